//! Fuzzes the whole per-message scan: MIME walk, charset and transfer decoding, attachment
//! extraction (PDF, office, ZIP), detectors and classifier. Any panic, hang or blow-up is a bug.
#![no_main]

use libfuzzer_sys::fuzz_target;
use vigie_scan::Detector;
use vigie_scan::extract::Limits;
use vigie_scan::message::scan_message;

fuzz_target!(|data: &[u8]| {
    thread_local! {
        static DETECTOR: Detector = Detector::new();
    }
    // Small limits keep each run fast; the code paths are the same as with the defaults.
    let limits = Limits {
        max_part_bytes: 1 << 20,
        max_entry_bytes: 1 << 20,
        max_archive_bytes: 4 << 20,
        max_archive_entries: 64,
        max_text_bytes: 1 << 20,
        ..Limits::default()
    };
    DETECTOR.with(|d| {
        let _ = scan_message(data, d, &limits);
    });
});
