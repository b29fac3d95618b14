//! Emit stage: [`Document`] -> contract JSON (`<stem>.json`) and NDJSON lines.
