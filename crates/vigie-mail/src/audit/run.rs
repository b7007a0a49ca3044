//! The audit of an account over the network: the offline checks (provider, password), the
//! connection (`tls.*`), and every Sieve script over ManageSieve (`sieve.*`).
//!
//! The IMAP session stays open in the returned [`AuditSession`] so the exposure scan reuses it
//! rather than logging in twice.

use serde_json::json;

use super::{
    AUDIT_SCHEMA, AuditFinding, AuditReport, FindingText, Severity, in_english, password, provider,
};
use crate::net::imap::blocking::Imap;
use crate::net::managesieve::blocking::Sieve;
use crate::net::{AccountUrl, CertificateProblem, ImapOptions, NetError};
use crate::sieve::{AuditContext, ScriptSource, analyse_script};

/// Settings of an audit.
#[derive(Debug, Clone)]
pub struct AuditOptions {
    pub imap: ImapOptions,
    /// ManageSieve port (4190 unless told otherwise).
    pub sieve_port: u16,
    /// The organisation's names, elected officials, staff: a password made of them is weak.
    pub org_names: Vec<String>,
}

/// An audit in progress: the report so far, the open IMAP session when the connection
/// succeeded, and the error that stopped it otherwise.
#[derive(Debug)]
pub struct AuditSession {
    pub report: AuditReport,
    pub imap: Option<Imap>,
    pub error: Option<NetError>,
}

/// Runs every check but the exposure scan.
pub fn audit_account(
    account: &AccountUrl,
    password_text: &str,
    options: &AuditOptions,
    generated_at: String,
) -> AuditSession {
    let address = account.email_address();
    let mut report = AuditReport {
        schema: AUDIT_SCHEMA.to_owned(),
        account: account.to_string(),
        findings: Vec::new(),
        generated_at,
        notes: Vec::new(),
    };
    match provider::ProviderBase::embedded() {
        Ok(base) => report.findings.extend(provider::check(&base, &address)),
        Err(e) => report.notes.push(format!(
            "Base des fournisseurs illisible ({e}) : contrôle du fournisseur non fait."
        )),
    }
    let mut context: Vec<&str> = vec![address.as_str(), account.host(), account.user()];
    context.extend(options.org_names.iter().map(String::as_str));

    let imap = match Imap::connect(account, password_text, &options.imap) {
        Ok(imap) => imap,
        Err(e) => {
            if let Some(f) = tls_failure_finding(&e, account.host(), account.port(), "IMAP") {
                // The password was not checked (Vigie never sends it over an untrusted
                // connection), but its strength can still be judged.
                report
                    .findings
                    .extend(password::check(password_text, &context));
                report.findings.push(f);
            }
            return AuditSession {
                report,
                imap: None,
                error: Some(e),
            };
        }
    };
    // The password is judged only once the server accepted it: a typo must not be audited.
    report
        .findings
        .extend(password::check(password_text, &context));
    if imap.info().plaintext {
        report
            .findings
            .push(plaintext_finding(account.host(), account.port(), "IMAP"));
    }

    match Sieve::connect_account(
        account,
        Some(options.sieve_port),
        password_text,
        &options.imap,
    ) {
        Ok(mut sieve) => {
            if sieve.is_plaintext() {
                report.findings.push(plaintext_finding(
                    account.host(),
                    options.sieve_port,
                    "ManageSieve",
                ));
            }
            sieve_findings(&mut sieve, &address, &mut report);
            let _ = sieve.logout();
        }
        Err(e) => {
            if let Some(f) =
                tls_failure_finding(&e, account.host(), options.sieve_port, "ManageSieve")
            {
                report.findings.push(f);
            }
            report.notes.push(format!(
                "Les filtres de la boîte n'ont pas pu être lus par ManageSieve (port {}) : {e} \
                 Vérifiez à la main, dans le webmail (Paramètres › Filtres ou Règles), qu'aucune \
                 règle ne transfère, ne supprime ou ne cache vos messages.",
                options.sieve_port
            ));
        }
    }
    AuditSession {
        report,
        imap: Some(imap),
        error: None,
    }
}

fn sieve_findings(sieve: &mut Sieve, address: &str, report: &mut AuditReport) {
    let scripts = match sieve.list_scripts() {
        Ok(s) => s,
        Err(e) => {
            report
                .notes
                .push(format!("La liste des filtres n'a pas pu être lue : {e}"));
            return;
        }
    };
    let ctx = AuditContext {
        own_addresses: vec![address.to_owned()],
    };
    for script in scripts {
        match sieve.get_script(&script.name) {
            Ok(text) => report.findings.extend(analyse_script(
                &ScriptSource {
                    name: &script.name,
                    active: script.active,
                    text: &text,
                },
                &ctx,
            )),
            Err(e) => report.notes.push(format!(
                "Le filtre « {} » n'a pas pu être lu : {e}",
                script.name
            )),
        }
    }
}

fn plaintext_finding(host: &str, port: u16, protocol: &str) -> AuditFinding {
    AuditFinding {
        translations: in_english(FindingText::new(
            "The connection to the mailbox is not encrypted",
            format!(
                "The {protocol} connection to {host}:{port} was made in plain text (option \
                 --insecure-plaintext): the password and every message travelled unencrypted, \
                 readable by anyone on the network (public Wi-Fi, internet box, internet \
                 provider)."
            ),
            "1. Set up the mail programs with IMAPS (port 993), or with IMAP and STARTTLS made \
             compulsory.\n2. If the server offers no encryption, change provider: that alone \
             rules it out.\n3. Change the password, which may have been intercepted.",
        )),
        id: "tls.plaintext".into(),
        severity: Severity::Critical,
        title: "La connexion à la messagerie n'est pas chiffrée".into(),
        detail: format!(
            "La connexion {protocol} à {host}:{port} s'est faite en clair (option \
             --insecure-plaintext) : le mot de passe et tous les messages ont circulé sans \
             chiffrement, lisibles par quiconque sur le réseau (Wi-Fi public, box, opérateur)."
        ),
        remediation: "1. Configurez les logiciels de messagerie en IMAPS (port 993) ou IMAP avec \
                      STARTTLS obligatoire.\n2. Si le serveur ne propose pas de chiffrement, \
                      changez de fournisseur : c'est rédhibitoire.\n3. Changez le mot de passe, \
                      qui a pu être intercepté."
            .into(),
        evidence: json!({ "protocol": protocol, "host": host, "port": port }),
    }
}

/// The `tls.certificate_invalid` finding for a certificate or STARTTLS failure; `None` for
/// other errors.
fn tls_failure_finding(
    e: &NetError,
    host: &str,
    port: u16,
    protocol: &str,
) -> Option<AuditFinding> {
    match e {
        NetError::CertificateInvalid { problem, .. } => Some(AuditFinding {
            translations: in_english(FindingText::new(
                "The mail server's certificate is not valid",
                format!(
                    "The certificate shown by {host}:{port} ({protocol}) was refused: {}. \
                     Vigie did not connect. A mail program set up to accept this certificate \
                     may send the password to an impostor.",
                    certificate_problem_en(problem)
                ),
                "1. Ask your host or IT provider for a valid certificate (Let's Encrypt is \
                 free).\n2. If the server uses a known in-house certificate authority, run the \
                 audit again with --ca-file.\n3. Never accept a certificate warning in a mail \
                 program without your IT provider's agreement.",
            )),
            id: "tls.certificate_invalid".into(),
            severity: Severity::High,
            title: "Le certificat du serveur de messagerie n'est pas valide".into(),
            detail: format!(
                "Le certificat présenté par {host}:{port} ({protocol}) a été refusé : {problem}. \
                 Vigie ne s'est pas connecté. Une messagerie configurée pour accepter ce \
                 certificat peut envoyer le mot de passe à un imposteur."
            ),
            remediation: "1. Demandez à votre hébergeur ou prestataire un certificat valide \
                          (Let's Encrypt est gratuit).\n2. Si le serveur utilise une autorité \
                          interne connue, relancez l'audit avec --ca-file.\n3. Ne validez \
                          jamais un avertissement de certificat dans un logiciel de \
                          messagerie sans l'accord du prestataire."
                .into(),
            evidence: json!({ "protocol": protocol, "host": host, "port": port, "problem": problem.to_string() }),
        }),
        NetError::StartTlsUnavailable { .. } => Some(AuditFinding {
            translations: in_english(FindingText::new(
                "The server offers no encrypted connection",
                format!(
                    "{host}:{port} ({protocol}) does not offer STARTTLS: the programs that \
                     connect to it send the password in plain text. Vigie did not connect."
                ),
                "1. Use IMAPS access (port 993) if there is one.\n2. Otherwise, change mail \
                 provider.\n3. Change the password.",
            )),
            id: "tls.plaintext".into(),
            severity: Severity::Critical,
            title: "Le serveur ne propose pas de connexion chiffrée".into(),
            detail: format!(
                "{host}:{port} ({protocol}) n'offre pas STARTTLS : les logiciels qui s'y \
                 connectent envoient le mot de passe en clair. Vigie ne s'est pas connecté."
            ),
            remediation: "1. Utilisez l'accès IMAPS (port 993) s'il existe.\n2. Sinon, changez \
                          de fournisseur de messagerie.\n3. Changez le mot de passe."
                .into(),
            evidence: json!({ "protocol": protocol, "host": host, "port": port }),
        }),
        _ => None,
    }
}

/// What is wrong with a certificate, in English: the `Display` of [`CertificateProblem`] is
/// the French message of the command line.
fn certificate_problem_en(problem: &CertificateProblem) -> String {
    match problem {
        CertificateProblem::UnknownIssuer => "it is not signed by a recognised certificate \
                                              authority (self-signed certificate, in-house \
                                              authority, or a device that intercepts traffic)"
            .to_owned(),
        CertificateProblem::Expired => "it has expired".to_owned(),
        CertificateProblem::NotYetValid => {
            "it is not valid yet (or this computer's clock is wrong)".to_owned()
        }
        CertificateProblem::NameMismatch => "it was issued for another server name".to_owned(),
        CertificateProblem::Revoked => "it was revoked by its authority".to_owned(),
        // The detail comes from the TLS library, which writes English.
        CertificateProblem::Other(detail) => format!("it is invalid ({detail})"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::finding::assert_english;

    #[test]
    fn connection_findings_have_english_words() {
        let plain = plaintext_finding("imap.exemple.fr", 143, "IMAP");
        assert_english(&plain);
        assert!(plain.text_in("en").0.detail.contains("imap.exemple.fr:143"));
        for problem in [
            CertificateProblem::UnknownIssuer,
            CertificateProblem::Expired,
            CertificateProblem::NotYetValid,
            CertificateProblem::NameMismatch,
            CertificateProblem::Revoked,
            CertificateProblem::Other("bad signature".into()),
        ] {
            let e = NetError::CertificateInvalid {
                host: "imap.exemple.fr".into(),
                problem,
            };
            let f = tls_failure_finding(&e, "imap.exemple.fr", 993, "IMAP")
                .unwrap_or_else(|| panic!("no finding for {e:?}"));
            assert_eq!(f.id, "tls.certificate_invalid");
            assert_english(&f);
        }
        let e = NetError::StartTlsUnavailable {
            host: "imap.exemple.fr".into(),
        };
        let f = tls_failure_finding(&e, "imap.exemple.fr", 143, "IMAP")
            .unwrap_or_else(|| panic!("no finding for {e:?}"));
        assert_eq!(f.id, "tls.plaintext");
        assert_english(&f);
        assert_eq!(
            f.text_in("en").0.title,
            "The server offers no encrypted connection"
        );
    }
}
