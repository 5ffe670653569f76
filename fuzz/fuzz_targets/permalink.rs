#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| irqlab_fuzz_targets::permalink(data));
