//! The whole per-file pipeline on arbitrary bytes: `convert_bytes`, then the JSON
//! and NDJSON emitters on its result. Seeds: `fuzz/seed_corpus.sh`.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(init: perfplan_fuzz::install_panic_hook(), |data: &[u8]| {
    perfplan_fuzz::run(|| perfplan_fuzz::pipeline(data));
});
