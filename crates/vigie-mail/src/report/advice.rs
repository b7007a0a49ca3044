//! What each finding means and what to do about it, in plain French. Shared by the text and
//! HTML reports and by the audit's `exposure.*` findings, so the advice is written once.

use crate::scan::ScanReport;

/// Why a kind of value matters, for a person who is not a technician.
pub fn why_kind(kind: &str) -> &'static str {
    match kind {
        "iban" | "fr_rib" => {
            "Avec des coordonnées bancaires et un courriel d'apparence officielle, un escroc peut \
             demander un « changement de RIB » à un fournisseur ou à la trésorerie, ou monter des \
             prélèvements frauduleux."
        }
        "payment_card" => {
            "Un numéro de carte bancaire envoyé par courriel peut servir directement à des achats \
             frauduleux."
        }
        "fr_nir" => {
            "Le numéro de sécurité sociale est une donnée très protégée : il permet l'usurpation \
             d'identité et sa fuite doit souvent être notifiée à la CNIL."
        }
        "fr_tax_id" => {
            "Le numéro fiscal donne accès à l'espace des impôts d'une personne et facilite \
             l'usurpation d'identité."
        }
        "identity_document_number" => {
            "Un numéro de pièce d'identité aide à fabriquer de faux documents et à ouvrir des \
             comptes au nom de la personne."
        }
        "password_in_clear" => {
            "Un mot de passe envoyé par courriel est lu par quiconque accède à la boîte : il ouvre \
             d'autres services (logiciels métier, banque, site de la commune)."
        }
        "fr_siren" | "fr_siret" | "fr_vat" => {
            "Ces numéros d'entreprise sont publics, mais, réunis avec des factures et des RIB, ils \
             rendent crédibles les fausses factures et les faux changements de RIB."
        }
        _ => "Cette information aide un attaquant à tromper la commune ou ses partenaires.",
    }
}

/// Why a category of document matters.
pub fn why_category(category: &str) -> &'static str {
    match category {
        "invoice" | "quote" => {
            "Les devis et factures révèlent les prestataires, les travaux et les montants : de \
             quoi envoyer une fausse facture crédible."
        }
        "notarial_deed" => {
            "Actes notariés, propriétés et successions sont des documents confidentiels sur des \
             personnes et leurs biens."
        }
        "bank_details" => {
            "Les RIB permettent les escroqueries au faux changement de coordonnées bancaires."
        }
        "bank_statement" => {
            "Les relevés de compte montrent les habitudes et la capacité financière de la commune \
             ou des personnes."
        }
        "identity_document" => {
            "Les copies de pièces d'identité permettent d'usurper l'identité des personnes."
        }
        "signature_or_stamp" => {
            "Les signatures scannées et les cachets permettent de fabriquer de faux documents au \
             nom de la commune."
        }
        "payslip" => {
            "Les bulletins de paie contiennent le numéro de sécurité sociale, le salaire et \
             l'adresse des agents."
        }
        _ => "Ce document est utile à un attaquant.",
    }
}

/// The steps to take after a scan, most urgent first. Only steps that the report's findings
/// call for are included.
pub fn steps(report: &ScanReport) -> Vec<String> {
    let has = |kinds: &[&str]| {
        report
            .findings
            .iter()
            .any(|f| kinds.contains(&f.kind.as_str()))
    };
    let has_doc = |cats: &[&str]| {
        report
            .documents
            .iter()
            .any(|d| cats.contains(&d.category.as_str()))
    };
    let mut steps = Vec::new();
    if has(&["password_in_clear"]) {
        steps.push(
            "Changez tout de suite les mots de passe trouvés dans les messages (ils sont listés \
             ci-dessous par message), puis supprimez ces messages. À l'avenir, transmettez les \
             mots de passe par un coffre-fort numérique partagé, jamais par courriel."
                .to_owned(),
        );
    }
    if has(&["iban", "fr_rib"]) || has_doc(&["bank_details", "bank_statement"]) {
        steps.push(
            "Enregistrez les RIB reçus dans votre logiciel de comptabilité ou transmettez-les à \
             la trésorerie, puis supprimez les messages qui les contiennent. Toute demande de \
             changement de RIB doit être vérifiée par téléphone, à un numéro connu."
                .to_owned(),
        );
    }
    if has(&[
        "fr_nir",
        "fr_tax_id",
        "identity_document_number",
        "payment_card",
    ]) || has_doc(&["identity_document", "payslip"])
    {
        steps.push(
            "Les messages contenant des numéros de sécurité sociale, des pièces d'identité ou des \
             bulletins de paie ne doivent pas rester dans la messagerie : classez les documents \
             dans le dossier papier ou le logiciel prévu (paie, état civil), puis supprimez les \
             messages, corbeille comprise."
                .to_owned(),
        );
    }
    if has_doc(&["notarial_deed", "invoice", "quote"]) {
        steps.push(
            "Archivez les devis, factures et actes hors de la messagerie (logiciel de \
             comptabilité, parapheur, archives de la commune), là où ils ont une durée de \
             conservation définie."
                .to_owned(),
        );
    }
    if has_doc(&["signature_or_stamp"]) {
        steps.push(
            "Ne faites plus circuler la signature scannée du maire ou le cachet de la mairie par \
             courriel ; gardez-les dans un dossier protégé et préférez la signature électronique \
             (parapheur)."
                .to_owned(),
        );
    }
    if report.retention.older_sensitive_messages > 0 {
        steps.push(format!(
            "{} message(s) sensible(s) ont plus de {} an(s) : fixez une durée de conservation \
             pour la messagerie et supprimez ou archivez régulièrement ce qui la dépasse (« Le \
             RGPD en 6 lignes », point 4).",
            report.retention.older_sensitive_messages, report.retention.years
        ));
    }
    if !steps.is_empty() {
        steps.push(
            "Protégez l'accès à la boîte : mot de passe long et unique, double authentification, \
             et vérification des règles de transfert (le contrôle de la boîte dans l'application Vigie, \
             ou la commande « vigie mail audit »)."
                .to_owned(),
        );
    }
    steps
}
