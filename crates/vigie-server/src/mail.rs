//! E-mails to users (the warning of a sign-in from a new device), over SMTP with lettre.
//!
//! Sending never holds up the request that caused it: the message goes out from a background
//! task, and a failure is written to the server's log (and never blocks a sign-in).

use lettre::message::{Mailbox, header::ContentType};
use lettre::{AsyncSmtpTransport, AsyncTransport as _, Message, Tokio1Executor};

use crate::config::Config;
use crate::error::Error;

/// The configured SMTP sender, or none.
#[derive(Clone)]
pub struct Mailer {
    transport: Option<AsyncSmtpTransport<Tokio1Executor>>,
    from: Option<Mailbox>,
}

impl std::fmt::Debug for Mailer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The transport holds the SMTP password: not printed.
        f.debug_struct("Mailer")
            .field("enabled", &self.transport.is_some())
            .finish()
    }
}

impl Mailer {
    /// From the configuration; an invalid URL or sender is a configuration error (whose
    /// message does not repeat the URL: it may contain a password).
    pub fn from_config(config: &Config) -> Result<Mailer, Error> {
        let Some(url) = &config.smtp_url else {
            return Ok(Mailer {
                transport: None,
                from: None,
            });
        };
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
            .map_err(|_| Error::Config {
                detail: "adresse du serveur SMTP (smtp_url) invalide — attendu \
                         smtps://utilisateur:motdepasse@serveur, smtp://serveur:587?tls=required \
                         ou smtp://127.0.0.1:25"
                    .into(),
            })?
            .timeout(Some(std::time::Duration::from_secs(20)))
            .build();
        let from = config
            .smtp_from
            .parse::<Mailbox>()
            .map_err(|_| Error::Config {
                detail: format!(
                    "expéditeur des courriels (smtp_from) invalide : « {} » — attendu \
                 Vigie <vigie@mairie.fr>",
                    config.smtp_from
                ),
            })?;
        Ok(Mailer {
            transport: Some(transport),
            from: Some(from),
        })
    }

    /// True when e-mails are sent.
    pub fn is_enabled(&self) -> bool {
        self.transport.is_some()
    }

    /// Sends a plain-text e-mail from a background task; does nothing without SMTP.
    pub fn send_later(&self, to: &str, subject: &str, body: String) {
        let (Some(transport), Some(from)) = (self.transport.clone(), self.from.clone()) else {
            return;
        };
        let Ok(to_mailbox) = to.parse::<Mailbox>() else {
            eprintln!("vigie serve : courriel non envoyé : adresse du destinataire invalide");
            return;
        };
        let message = Message::builder()
            .from(from)
            .to(to_mailbox)
            .subject(subject)
            .header(ContentType::TEXT_PLAIN)
            .body(body);
        let message = match message {
            Ok(m) => m,
            Err(e) => {
                eprintln!("vigie serve : courriel non construit : {e}");
                return;
            }
        };
        tokio::spawn(async move {
            if let Err(e) = transport.send(message).await {
                eprintln!("vigie serve : courriel non envoyé (serveur SMTP) : {e}");
            }
        });
    }
}
