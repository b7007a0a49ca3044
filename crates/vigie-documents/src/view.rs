//! From [`DocumentData`] to what a template shows: the JSON « vue » and the fields to complete.
//!
//! Everything is formatted here (French dates in Europe/Paris, amounts, plurals), so the
//! templates only lay text out. The one rule that matters: the list of *required* fields of a
//! document kind lives in [`fields`] alone. The template asks for a required field by key with
//! `champ("t0")`; the view carries its value, or `none` and its label, and the template prints
//! « À COMPLÉTER : <label> » for a `none`. [`crate::missing_fields`] reads the same list, so the
//! PDF and the API cannot disagree on what is missing; a template asking for a key that is not
//! in the list of its kind fails to compile (and the tests catch it).

use chrono::{DateTime, Duration, Utc};
use serde_json::{Map, Value, json};

use crate::DocumentKind;
use crate::data::{
    ComplaintService, Cost, DocumentData, Incident, Insurer, Nature, NotificationKind, Party,
};
use crate::format::{self, items, nonblank, text};

/// A required field of a document: its key in the template, its French label, its value.
pub(crate) struct Field {
    pub(crate) key: &'static str,
    pub(crate) label: &'static str,
    pub(crate) value: Option<Value>,
}

/// The 72-hour clock of the CNIL notification (art. 33.1).
struct Clock {
    t0: DateTime<Utc>,
    deadline: DateTime<Utc>,
    /// The notification's time if done, else the document's: « late » is judged against it.
    reference: DateTime<Utc>,
    late: bool,
}

fn clock(inc: &Incident, generated_at: DateTime<Utc>) -> Option<Clock> {
    let t0 = inc.discovered_at?;
    let deadline = t0.checked_add_signed(Duration::hours(72))?;
    let reference = inc.cnil_notified_at.unwrap_or(generated_at);
    Some(Clock {
        t0,
        deadline,
        reference,
        late: reference > deadline,
    })
}

fn list(v: Vec<String>) -> Option<Value> {
    (!v.is_empty()).then(|| Value::from(v))
}

fn s(v: Option<String>) -> Option<Value> {
    v.map(Value::from)
}

/// « Perte de confidentialité ... » for each ticked property.
fn nature_lines(n: &Nature) -> Vec<String> {
    let mut out = Vec::new();
    if n.confidentiality {
        out.push("Perte de confidentialité (données consultées ou copiées sans droit)".to_owned());
    }
    if n.integrity {
        out.push("Perte d'intégrité (données modifiées)".to_owned());
    }
    if n.availability {
        out.push(
            "Perte de disponibilité (données perdues, détruites ou rendues inaccessibles)"
                .to_owned(),
        );
    }
    out
}

/// Short form for the register's narrow column.
fn nature_short(n: &Nature) -> Option<String> {
    let mut out = Vec::new();
    if n.confidentiality {
        out.push("confidentialité");
    }
    if n.integrity {
        out.push("intégrité");
    }
    if n.availability {
        out.push("disponibilité");
    }
    (!out.is_empty()).then(|| out.join(", "))
}

fn service_label(s: ComplaintService) -> &'static str {
    match s {
        ComplaintService::Gendarmerie => "Gendarmerie nationale",
        ComplaintService::Commissariat => "Police nationale (commissariat)",
        ComplaintService::Procureur => "Procureur de la République",
    }
}

/// Who the complaint goes to: « Gendarmerie nationale — Brigade de Vitteaux ».
fn complaint_service(inc: &Incident) -> Option<String> {
    let c = inc.complaint.as_ref()?;
    let name = text(&c.service_name);
    match (c.service, name) {
        (Some(s), Some(n)) => Some(format!("{} — {n}", service_label(s))),
        (Some(s), None) => Some(service_label(s).to_owned()),
        (None, Some(n)) => Some(n),
        (None, None) => None,
    }
}

/// Phone and e-mail of a party, as « 03 80 00 00 00 · contact@exemple.fr ».
fn reach(phone: &Option<String>, email: &Option<String>) -> Option<String> {
    let parts: Vec<String> = [text(phone), text(email)].into_iter().flatten().collect();
    (!parts.is_empty()).then(|| parts.join(" · "))
}

/// A phone number that never breaks at the end of a line (no-break spaces).
fn phone(s: &Option<String>) -> Option<String> {
    text(s).map(|p| p.replace(' ', "\u{A0}"))
}

/// A name with its phone, as the fiche réflexes shows it.
fn name_and_phone(name: &Option<String>, number: &Option<String>) -> Option<String> {
    let number = phone(number)?;
    Some(match text(name) {
        Some(name) => format!("{name} : {number}"),
        None => number,
    })
}

fn cost_view(costs: &[Cost]) -> Value {
    let mut total: u64 = 0;
    let mut complete = true;
    let mut rows = Vec::new();
    for c in costs {
        let description = nonblank(&c.description);
        if description.is_none() && c.amount_cents.is_none() {
            continue;
        }
        match c.amount_cents {
            Some(a) => total = total.saturating_add(a),
            None => complete = false,
        }
        rows.push(json!({
            "description": description,
            "montant": c.amount_cents.map(format::euros),
        }));
    }
    json!({
        "lignes": rows,
        "total": format::euros(total),
        "complet": complete,
    })
}

/// The sum of the known amounts (saturating: an absurd amount cannot panic).
fn known_total(costs: &[Cost]) -> u64 {
    costs
        .iter()
        .filter_map(|c| c.amount_cents)
        .fold(0, u64::saturating_add)
}

fn has_costs(costs: &[Cost]) -> bool {
    costs
        .iter()
        .any(|c| nonblank(&c.description).is_some() || c.amount_cents.is_some())
}

/// How the people concerned can reach the organisation: the DPO first, else the organisation.
fn people_contact(d: &DocumentData) -> Option<String> {
    let o = &d.organisation;
    let mut lines = Vec::new();
    if let Some(r) = reach(&o.dpo.phone, &o.dpo.email) {
        let who = text(&o.dpo.name)
            .map(|n| format!("{n}, délégué(e) à la protection des données"))
            .unwrap_or_else(|| "Délégué(e) à la protection des données".to_owned());
        lines.push(format!("{who} : {r}"));
    }
    if let Some(r) = reach(&o.phone, &o.email) {
        let who = text(&o.name).unwrap_or_else(|| "Accueil".to_owned());
        lines.push(format!("{who} : {r}"));
    }
    (!lines.is_empty()).then(|| lines.join("\n"))
}

/// The required fields of a document kind, in the order the document shows them.
pub(crate) fn fields(kind: DocumentKind, d: &DocumentData) -> Vec<Field> {
    let default_incident = Incident::default();
    let inc = d.incident.as_ref().unwrap_or(&default_incident);
    let o = &d.organisation;
    let insurer = o.insurer.clone().unwrap_or_default();
    let journal = d
        .journal_head
        .as_ref()
        .and_then(|h| nonblank(&h.hash))
        .map(Value::from);

    let mut out = Vec::new();
    let mut f = |key: &'static str, label: &'static str, value: Option<Value>| {
        out.push(Field { key, label, value });
    };

    let org_nom = || s(text(&o.name));
    let rep_nom = || s(text(&o.representative.name));
    let rep_qualite = || s(text(&o.representative.role));
    let t0 = || s(inc.discovered_at.map(format::date_time));
    let description = || s(text(&inc.description));

    const ORG_NOM: &str = "nom de l'organisation";
    const ORG_SIREN: &str = "numéro SIREN de l'organisation";
    const ORG_ADRESSE: &str = "adresse postale de l'organisation";
    const REP_NOM: &str = "nom du représentant légal";
    const REP_QUALITE: &str = "qualité du représentant légal (maire, président…)";
    const T0: &str = "date et heure de découverte de l'incident (T0)";
    const DESCRIPTION: &str = "description des faits";
    const CHRONOLOGIE: &str = "chronologie des faits";
    const JOURNAL: &str = "empreinte du journal de l'incident";

    match kind {
        DocumentKind::Cnil => {
            let c = clock(inc, d.generated_at);
            f("org_nom", ORG_NOM, org_nom());
            f("org_siren", ORG_SIREN, s(text(&o.siren)));
            f("org_adresse", ORG_ADRESSE, s(text(&o.address)));
            f("rep_nom", REP_NOM, rep_nom());
            f("rep_qualite", REP_QUALITE, rep_qualite());
            f(
                "dpo_nom",
                "nom du délégué à la protection des données (DPO) ou du point de contact",
                s(text(&o.dpo.name)),
            );
            f(
                "dpo_contact",
                "courriel ou téléphone du DPO ou du point de contact",
                s(reach(&o.dpo.phone, &o.dpo.email)),
            );
            if inc.notification_kind == NotificationKind::Complementaire {
                f(
                    "reference_cnil",
                    "référence de la notification initiale à la CNIL",
                    s(text(&inc.cnil_reference)),
                );
            }
            f("t0", T0, t0());
            if c.as_ref().is_some_and(|c| c.late) {
                f(
                    "motifs_retard",
                    "motifs du retard de notification (au-delà de 72 heures)",
                    s(text(&inc.delay_reasons)),
                );
            }
            f("description", DESCRIPTION, description());
            f(
                "donnees_personnelles",
                "présence de données personnelles (oui ou non)",
                inc.personal_data
                    .map(|p| Value::from(if p { "oui" } else { "non" })),
            );
            f(
                "nature",
                "nature de la violation (confidentialité, intégrité, disponibilité)",
                list(nature_lines(&inc.nature)),
            );
            f(
                "categories_donnees",
                "catégories de données concernées",
                list(items(&inc.data_categories)),
            );
            f(
                "categories_personnes",
                "catégories de personnes concernées",
                list(items(&inc.people_categories)),
            );
            f(
                "nb_personnes",
                "nombre approximatif de personnes concernées",
                s(inc.people_count_approx.map(format::number)),
            );
            f(
                "nb_enregistrements",
                "nombre approximatif d'enregistrements concernés",
                s(inc.records_count_approx.map(format::number)),
            );
            f(
                "consequences",
                "conséquences probables de la violation",
                s(text(&inc.likely_consequences)),
            );
            let any_measure =
                !items(&inc.measures_taken).is_empty() || !items(&inc.measures_planned).is_empty();
            f(
                "mesures",
                "mesures prises ou envisagées",
                any_measure.then(|| Value::from(true)),
            );
            f("journal", JOURNAL, journal);
        }
        DocumentKind::Plainte => {
            f("org_nom", ORG_NOM, org_nom());
            f("org_siren", ORG_SIREN, s(text(&o.siren)));
            f("org_adresse", ORG_ADRESSE, s(text(&o.address)));
            f(
                "org_contact",
                "téléphone ou courriel de l'organisation",
                s(reach(&o.phone, &o.email)),
            );
            f("rep_nom", REP_NOM, rep_nom());
            f("rep_qualite", REP_QUALITE, rep_qualite());
            f(
                "service_plainte",
                "service saisi (gendarmerie, commissariat ou procureur)",
                s(complaint_service(inc)),
            );
            f("t0", T0, t0());
            f("description", DESCRIPTION, description());
            f(
                "chronologie",
                CHRONOLOGIE,
                (!d.timeline.is_empty()).then(|| Value::from(true)),
            );
            f(
                "prejudice",
                "préjudice subi (nature et montant)",
                has_costs(&inc.losses).then(|| Value::from(true)),
            );
            f(
                "preuves",
                "liste des preuves (captures d'écran, journaux, courriels…)",
                (!d.evidence.is_empty()).then(|| Value::from(true)),
            );
            f("journal", JOURNAL, journal);
        }
        DocumentKind::Assureur => {
            f("assureur_nom", "nom de l'assureur", s(text(&insurer.name)));
            f(
                "assureur_contrat",
                "numéro de contrat d'assurance",
                s(text(&insurer.policy_number)),
            );
            f(
                "assureur_delai",
                "délai contractuel de déclaration du sinistre (jours ouvrés)",
                s(insurer_delay(&insurer)),
            );
            f("org_nom", ORG_NOM, org_nom());
            f("org_adresse", ORG_ADRESSE, s(text(&o.address)));
            f("rep_nom", REP_NOM, rep_nom());
            f("rep_qualite", REP_QUALITE, rep_qualite());
            f("t0", T0, t0());
            f("description", DESCRIPTION, description());
            f(
                "chronologie",
                CHRONOLOGIE,
                (!d.timeline.is_empty()).then(|| Value::from(true)),
            );
            f(
                "mesures_prises",
                "mesures prises",
                list(items(&inc.measures_taken)),
            );
            f(
                "frais",
                "frais engagés et pertes (nature et montant)",
                (has_costs(&inc.costs) || has_costs(&inc.losses)).then(|| Value::from(true)),
            );
            f(
                "reference_plainte",
                "référence du dépôt de plainte (récépissé)",
                s(inc.complaint.as_ref().and_then(|c| text(&c.reference))),
            );
            f("journal", JOURNAL, journal);
        }
        DocumentKind::Information => {
            f("org_nom", ORG_NOM, org_nom());
            f("t0", T0, s(inc.discovered_at.map(format::date)));
            f(
                "description",
                "description de ce qui s'est passé",
                description(),
            );
            f(
                "categories_donnees",
                "catégories de données concernées",
                list(items(&inc.data_categories)),
            );
            f(
                "consequences",
                "conséquences probables pour les personnes",
                s(text(&inc.likely_consequences)),
            );
            f(
                "mesures_prises",
                "mesures prises",
                list(items(&inc.measures_taken)),
            );
            f(
                "contact_personnes",
                "coordonnées du contact pour les personnes concernées",
                s(people_contact(d)),
            );
            f("rep_nom", REP_NOM, rep_nom());
            f("rep_qualite", REP_QUALITE, rep_qualite());
            f("journal", JOURNAL, journal);
        }
        DocumentKind::Registre => {
            f("org_nom", ORG_NOM, org_nom());
            // One label per column for the whole table: the cells show the blanks one by one.
            let all = |ok: &dyn Fn(&crate::data::RegistreEntry) -> bool| {
                d.registre.iter().all(ok).then(|| Value::from(true))
            };
            f(
                "reg_date",
                "registre : date de découverte d'une violation",
                all(&|r| r.discovered_at.is_some()),
            );
            f(
                "reg_nature",
                "registre : nature d'une violation",
                all(&|r| !r.nature.is_unknown()),
            );
            f(
                "reg_personnes",
                "registre : nombre approximatif de personnes concernées par une violation",
                all(&|r| r.people_count_approx.is_some()),
            );
            f(
                "reg_mesures",
                "registre : mesures prises pour une violation",
                all(&|r| !items(&r.measures).is_empty()),
            );
            f(
                "reg_notification",
                "registre : date de notification à la CNIL ou motif de non-notification",
                all(&|r| r.notified_cnil_at.is_some() || text(&r.not_notified_reason).is_some()),
            );
        }
        DocumentKind::FicheReflexes => {
            f("org_nom", ORG_NOM, org_nom());
            f(
                "rep_tel",
                "téléphone du représentant légal",
                s(phone(&o.representative.phone)),
            );
            f(
                "prestataire_tel",
                "téléphone du prestataire ou référent informatique",
                s(o.it_provider
                    .as_ref()
                    .and_then(|p| name_and_phone(&p.name, &p.phone))),
            );
            f(
                "assureur_tel",
                "téléphone de l'assureur",
                s(name_and_phone(&insurer.name, &insurer.phone)),
            );
            f(
                "banque_tel",
                "téléphone de la banque ou de la trésorerie",
                s(o.bank
                    .as_ref()
                    .and_then(|p| name_and_phone(&p.name, &p.phone))),
            );
            f(
                "contacts",
                "contacts d'urgence (CSIRT régional, gendarmerie…)",
                (!d.contacts.is_empty()).then(|| Value::from(true)),
            );
        }
    }
    out
}

fn insurer_delay(i: &Insurer) -> Option<String> {
    i.declaration_deadline_working_days
        .map(|n| format::plural(u64::from(n), "jour ouvré", "jours ouvrés"))
}

/// The whole JSON view given to the template as `/vue.json`.
pub(crate) fn view(kind: DocumentKind, d: &DocumentData) -> Value {
    let default_incident = Incident::default();
    let inc = d.incident.as_ref().unwrap_or(&default_incident);
    let o = &d.organisation;
    let fields = fields(kind, d);

    let mut champs = Map::new();
    let mut libelles = Map::new();
    let mut manquants = Vec::new();
    for field in &fields {
        champs.insert(
            field.key.to_owned(),
            field.value.clone().unwrap_or(Value::Null),
        );
        libelles.insert(field.key.to_owned(), Value::from(field.label));
        if field.value.is_none() {
            manquants.push(field.label);
        }
    }

    let party = |p: &Option<Party>| {
        p.as_ref().map(|p| {
            json!({
                "nom": text(&p.name),
                "telephone": text(&p.phone),
                "courriel": text(&p.email),
            })
        })
    };
    let insurer = o.insurer.as_ref().map(|i| {
        json!({
            "nom": text(&i.name),
            "contrat": text(&i.policy_number),
            "telephone": text(&i.phone),
            "courriel": text(&i.email),
            "delai": insurer_delay(i),
        })
    });

    let c = clock(inc, d.generated_at);
    let delai = c.as_ref().map(|c| {
        json!({
            "t0": format::date_time(c.t0),
            "echeance": format::date_time(c.deadline),
            "en_retard": c.late,
            "notifie": inc.cnil_notified_at.is_some(),
            "ecoule": format::hours(c.t0, c.reference),
        })
    });

    let complaint = inc.complaint.as_ref().map(|p| {
        json!({
            "reference": text(&p.reference),
            "service": complaint_service(inc),
            "depose_le": p.filed_at.map(format::date_time),
        })
    });

    let assureur_deadline = d
        .deadlines
        .iter()
        .find(|dl| dl.id.to_lowercase().contains("assur"))
        .map(|dl| {
            json!({
                "libelle": nonblank(&dl.label),
                "echeance": dl.due.map(format::date_time),
                "statut": text(&dl.status),
            })
        });

    json!({
        "doc": {
            "type": kind.file_stem(),
            "titre": kind.title_fr(),
            "date": format::date(d.generated_at),
            "date_heure": format::date_time(d.generated_at),
        },
        "journal": d.journal_head.as_ref().and_then(|h| nonblank(&h.hash).map(|hash| json!({
            "empreinte": hash,
            "entrees": format::plural(h.length, "entrée", "entrées"),
        }))),
        "org": {
            "nom": text(&o.name),
            "siren": text(&o.siren),
            "adresse": text(&o.address),
            "telephone": text(&o.phone),
            "courriel": text(&o.email),
            "representant": {
                "nom": text(&o.representative.name),
                "qualite": text(&o.representative.role),
                "telephone": text(&o.representative.phone),
                "courriel": text(&o.representative.email),
            },
            "dpo": {
                "nom": text(&o.dpo.name),
                "courriel": text(&o.dpo.email),
                "telephone": text(&o.dpo.phone),
            },
            "prestataire": party(&o.it_provider),
            "assureur": insurer,
            "banque": party(&o.bank),
        },
        "inc": {
            "reference": text(&inc.reference),
            "titre": text(&inc.title),
            "type": text(&inc.playbook_title),
            "description": text(&inc.description),
            "declare_par": text(&inc.declared_by),
            "declare_le": inc.declared_at.map(format::date_time),
            "t0": inc.discovered_at.map(format::date_time),
            "corrections_t0": inc.t0_corrections.iter().map(|t| json!({
                "le": format::short(t.at),
                "de": t.from.map(format::short),
                "a": format::short(t.to),
                "motif": text(&t.reason),
            })).collect::<Vec<_>>(),
            "donnees_personnelles": inc.personal_data,
            "categories_donnees": items(&inc.data_categories),
            "categories_personnes": items(&inc.people_categories),
            "nb_personnes": inc.people_count_approx.map(format::number),
            "consequences": text(&inc.likely_consequences),
            "mesures_prises": items(&inc.measures_taken),
            "mesures_prevues": items(&inc.measures_planned),
            "motifs_retard": text(&inc.delay_reasons),
            "complementaire": inc.notification_kind == NotificationKind::Complementaire,
            "reference_cnil": text(&inc.cnil_reference),
            "notifie_cnil_le": inc.cnil_notified_at.map(format::date_time),
            "delai": delai,
            "pertes": cost_view(&inc.losses),
            "frais": cost_view(&inc.costs),
            "total_declare": format::euros(known_total(&inc.losses).saturating_add(known_total(&inc.costs))),
            "plainte": complaint,
            "personnes_impliquees": inc.persons_involved.iter().filter_map(|p| {
                nonblank(&p.name).map(|nom| json!({
                    "nom": nom,
                    "role": text(&p.role),
                    "details": text(&p.details),
                }))
            }).collect::<Vec<_>>(),
            "conseils": items(&inc.advice_to_people),
            "personnes_informees_le": inc.people_informed_at.map(format::date_time),
            "cloture_le": inc.closed_at.map(format::date_time),
        },
        "echeance_assureur": assureur_deadline,
        "chronologie": d.timeline.iter().map(|t| json!({
            "le": format::short(t.at),
            "acteur": text(&t.actor),
            "type": text(&t.kind),
            "texte": t.text,
        })).collect::<Vec<_>>(),
        "preuves": d.evidence.iter().enumerate().map(|(i, e)| json!({
            "n": i + 1,
            "nom": e.name,
            "empreinte": e.sha256.trim(),
            "taille": e.size.map(|n| format::plural(n, "octet", "octets")),
            "type": text(&e.media_type),
            "description": text(&e.description),
            "collecte_par": text(&e.collected_by),
            "collecte_le": e.collected_at.map(format::short),
        })).collect::<Vec<_>>(),
        "contacts": d.contacts.iter().map(|c| json!({
            "nom": c.name,
            "role": text(&c.role),
            "telephone": text(&c.phone),
            "courriel": text(&c.email),
            "site": text(&c.website),
            "quand": text(&c.when_to_call),
            "verifie_le": c.verified_on.map(format::day),
        })).collect::<Vec<_>>(),
        "actions": d.immediate_actions.iter().filter_map(|a| nonblank(&a.text).map(|t| json!({
            "texte": t,
            "pourquoi": text(&a.why),
        }))).collect::<Vec<_>>(),
        "registre": d.registre.iter().map(|r| json!({
            "reference": text(&r.reference),
            "titre": text(&r.title),
            "decouverte": r.discovered_at.map(format::short),
            "nature": nature_short(&r.nature),
            "personnes": r.people_count_approx.map(format::number),
            "consequences": text(&r.consequences),
            "notifie_cnil": r.notified_cnil_at.map(format::short),
            "non_notifie_motif": text(&r.not_notified_reason),
            "informees": r.people_informed.map(|b| if b { "oui" } else { "non" }),
            "mesures": items(&r.measures),
        })).collect::<Vec<_>>(),
        "champs": champs,
        "libelles": libelles,
        "manquants": manquants,
    })
}
