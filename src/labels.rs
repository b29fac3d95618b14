//! Label synonyms: the one table that says which printed labels name which field.
