//! One page's content stream (the fuzz input, uncompressed) inside a valid one-page
//! PDF, through the whole pipeline: the content-stream lexer and interpreter, text
//! and path operators, fonts, layout and the sheet parser. Seeds: the decoded page
//! content streams of the fixtures (`fuzz/seed_corpus.sh`).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(init: perfplan_fuzz::install_panic_hook(), |data: &[u8]| {
    let pdf = perfplan_fuzz::wrap_content(data);
    perfplan_fuzz::run(|| perfplan_fuzz::pipeline(&pdf));
});
