//! One file through every stage, and batches of files.
