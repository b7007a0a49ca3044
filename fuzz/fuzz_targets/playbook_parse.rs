//! Fuzz target: the playbook parser must never panic, whatever the bytes. Playbook files are
//! edited by hand (and may one day be uploaded to the web application), so every malformed input
//! must end in `Error::InvalidData`, with a line inside the text.

#![no_main]

use std::path::Path;

use libfuzzer_sys::fuzz_target;
use vigie_incident::Error;
use vigie_incident::playbook::Playbook;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let lines = text.lines().count().max(1);
    // An empty path skips the file-name check, so that mutated seeds reach the deeper
    // validations; the named path exercises that check too.
    for file in ["", "compromission-messagerie.toml"] {
        match Playbook::parse(&text, Path::new(file)) {
            Ok(playbook) => {
                assert!(!playbook.steps.is_empty());
                // The JSON output of an accepted playbook must always serialise.
                assert!(serde_json::to_string(&playbook).is_ok());
            }
            Err(Error::InvalidData { line, .. }) => assert!((1..=lines + 1).contains(&line)),
            Err(other) => panic!("erreur inattendue : {other}"),
        }
    }
});
