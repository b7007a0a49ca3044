//! Fuzz target: the Sieve analysis must never panic, overflow the stack or hang, whatever the
//! bytes (scripts come from a mailbox that may be in an attacker's hands).

#![no_main]

use libfuzzer_sys::fuzz_target;
use vigie_mail::sieve::{AuditContext, ScriptSource, analyse_script};

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let ctx = AuditContext {
        own_addresses: vec!["secretariat@mairie-exemple.fr".to_owned()],
    };
    for active in [true, false] {
        let findings = analyse_script(
            &ScriptSource {
                name: "fuzz",
                active,
                text: &text,
            },
            &ctx,
        );
        for finding in &findings {
            assert!(finding.id.starts_with("sieve."));
        }
    }
});
