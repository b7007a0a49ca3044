//! Invented people, companies and places, and French prose of a small mairie.
//!
//! Every surname is invented (plausible French sound, no known bearer intended), first names
//! are common ones, and every address is at an example domain or at the fictional commune's
//! `mairie-saint-martin.fr`. Nothing here designates a real person or organisation.

use crate::ids;
use crate::layout;
use crate::rng::Rng;

pub const COMMUNE: &str = "Saint-Martin";
pub const COMMUNE_CP: &str = "21410";
pub const DOMAIN: &str = "mairie-saint-martin.fr";
pub const MAIRIE_ADDRESS: &str = "1 place de la Mairie, 21410 Saint-Martin";
pub const MAIRIE_PHONE: &str = "03 80 49 27 15";

pub const FIRST_F: &[&str] = &[
    "Sylvie",
    "Nathalie",
    "Isabelle",
    "Catherine",
    "Sandrine",
    "Valérie",
    "Christine",
    "Céline",
    "Aurélie",
    "Émilie",
    "Hélène",
    "Françoise",
    "Monique",
    "Chantal",
    "Élodie",
    "Julie",
    "Camille",
    "Léa",
    "Manon",
    "Agnès",
    "Brigitte",
    "Annick",
    "Josiane",
    "Maëlle",
    "Noémie",
];
pub const FIRST_M: &[&str] = &[
    "Jean-Claude",
    "Philippe",
    "Michel",
    "Alain",
    "Patrick",
    "Christophe",
    "Stéphane",
    "Laurent",
    "Thierry",
    "Frédéric",
    "Nicolas",
    "Julien",
    "Sébastien",
    "Bernard",
    "Gérard",
    "Hervé",
    "Jérôme",
    "Franck",
    "Mathieu",
    "Lucas",
    "Hugo",
    "Thomas",
    "Rémi",
    "Gaëtan",
    "François",
];
/// Invented surnames.
pub const LAST: &[&str] = &[
    "Vaudrelle",
    "Berthelin",
    "Champoiseau",
    "Dufranoy",
    "Marchadier",
    "Desormeaux",
    "Lavergnat",
    "Pouillaud",
    "Grandjacquet",
    "Morvillon",
    "Chassagnol",
    "Bréteuil",
    "Fouquerolle",
    "Mangelot",
    "Trévinal",
    "Joubardin",
    "Rochepain",
    "Vernizot",
    "Lamboussin",
    "Quérelle",
    "Bazillot",
    "Courtemiche",
    "Degrandval",
    "Ferrandou",
    "Guillemoz",
    "Haudrecourt",
    "Issartel",
    "Jacquinod",
    "Lemarquand",
    "Montessuy",
    "Noirclerc",
    "Pétremand",
    "Ravenaz",
    "Sauvageot",
    "Tissandier",
    "Vuillemey",
    "Amiotte",
    "Belorgey",
    "Collardot",
    "Dromard",
];
pub const STREETS: &[&str] = &[
    "rue de la Fontaine",
    "rue du Lavoir",
    "chemin des Vignes",
    "route de Dijon",
    "rue de l'Église",
    "impasse des Tilleuls",
    "place de la Mairie",
    "rue du Moulin",
    "allée des Acacias",
    "rue des Écoles",
    "chemin de la Croix Blanche",
    "rue Haute",
    "Grande Rue",
    "rue du Château",
];
pub const HAMLETS: &[&str] = &["Les Ormeaux", "La Combe", "Le Bas-Moulin", "Champ-Fleuri"];
/// Neighbouring places (fictional names).
pub const TOWNS: &[(&str, &str)] = &[
    ("21410", "Saint-Martin"),
    ("21410", "Vaux-sur-Ouche"),
    ("21320", "Pontlieu-en-Auxois"),
    ("21000", "Dijon"),
    ("21200", "Beaune"),
    ("21370", "Mesnil-les-Vignes"),
    ("71100", "Chalon-sur-Saône"),
];

/// A company that writes to the mairie.
#[derive(Debug, Clone)]
pub struct Company {
    pub name: String,
    pub trade: &'static str,
    pub domain: String,
    pub contact: Person,
    pub street: String,
    pub town: (&'static str, &'static str),
    pub siren: String,
    pub siret: String,
    pub vat: String,
    pub account: ids::FrAccount,
    pub phone: String,
    pub capital: i64,
}

/// Trades of the artisans and suppliers of a small commune, with the work they invoice.
pub const TRADES: &[(&str, &str, &[&str])] = &[
    (
        "Menuiserie",
        "menuiserie",
        &[
            "Fourniture et pose de fenêtres PVC double vitrage",
            "Remplacement de la porte d'entrée de l'école",
            "Réparation des volets de la salle des fêtes",
            "Placards sur mesure pour le secrétariat",
        ],
    ),
    (
        "Plomberie Chauffage",
        "plomberie",
        &[
            "Remplacement du chauffe-eau des vestiaires",
            "Entretien annuel de la chaudière de la mairie",
            "Recherche de fuite et réparation sanitaires école",
            "Mise aux normes de la chaufferie",
        ],
    ),
    (
        "Électricité",
        "electricite",
        &[
            "Remplacement de l'éclairage public rue du Moulin (LED)",
            "Mise en conformité du tableau électrique de l'église",
            "Installation des illuminations de Noël",
            "Vérification périodique des installations",
        ],
    ),
    (
        "Couverture Zinguerie",
        "couverture",
        &[
            "Réfection partielle de la toiture du lavoir",
            "Remplacement des gouttières de l'école",
            "Démoussage et traitement de la toiture de la mairie",
        ],
    ),
    (
        "Paysages",
        "paysages",
        &[
            "Élagage des tilleuls de la place",
            "Entretien des espaces verts (forfait annuel)",
            "Tonte du stade et du cimetière",
            "Plantation de la haie du city-stade",
        ],
    ),
    (
        "Maçonnerie",
        "maconnerie",
        &[
            "Reprise du mur du cimetière",
            "Création d'une rampe d'accès PMR à la mairie",
            "Réfection du muret du monument aux morts",
        ],
    ),
    (
        "Travaux Publics",
        "tp",
        &[
            "Réfection de la voirie chemin des Vignes",
            "Curage des fossés route de Dijon",
            "Enrobé du parking de la salle des fêtes",
            "Pose de bordures et caniveaux rue Haute",
        ],
    ),
    (
        "Imprimerie",
        "imprimerie",
        &[
            "Impression du bulletin municipal (500 exemplaires)",
            "Cartes de vœux et enveloppes à en-tête",
            "Affiches A3 pour la fête du village",
        ],
    ),
    (
        "Garage",
        "garage",
        &[
            "Révision du tracteur communal",
            "Remplacement des pneus du camion benne",
            "Contrôle technique du véhicule de service",
        ],
    ),
    (
        "Bureau",
        "fournitures",
        &[
            "Ramettes de papier A4 (carton de 5)",
            "Cartouches d'encre pour le copieur",
            "Fournitures scolaires de la rentrée",
        ],
    ),
];

/// A person with an invented name.
#[derive(Debug, Clone)]
pub struct Person {
    pub first: String,
    pub last: String,
    /// 1 for a man, 2 for a woman (the first digit of the NIR).
    pub sex: u8,
    pub email: String,
    pub phone: String,
}

impl Person {
    pub fn full(&self) -> String {
        format!("{} {}", self.first, self.last)
    }
    pub fn civility(&self) -> &'static str {
        if self.sex == 2 { "Madame" } else { "Monsieur" }
    }
    pub fn civility_short(&self) -> &'static str {
        if self.sex == 2 { "Mme" } else { "M." }
    }
}

/// ASCII slug of a name for e-mail addresses and domains.
pub fn slug(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars() {
        let mapped = match c {
            'à' | 'â' | 'ä' | 'À' | 'Â' => "a",
            'é' | 'è' | 'ê' | 'ë' | 'É' | 'È' | 'Ê' => "e",
            'î' | 'ï' | 'Î' => "i",
            'ô' | 'ö' | 'Ô' => "o",
            'ù' | 'û' | 'ü' | 'Û' => "u",
            'ç' | 'Ç' => "c",
            'œ' => "oe",
            ' ' | '\'' | '-' | '’' | '&' => "-",
            c if c.is_ascii_alphanumeric() => {
                out.push(c.to_ascii_lowercase());
                continue;
            }
            _ => continue,
        };
        if !(mapped == "-" && (out.ends_with('-') || out.is_empty())) {
            out.push_str(mapped);
        }
    }
    out.trim_end_matches('-').to_string()
}

/// A phone number that never passes a checksum by accident.
pub fn phone(rng: &mut Rng, mobile: bool) -> String {
    loop {
        let prefix = if mobile {
            *rng.pick(&["06", "07"])
        } else {
            *rng.pick(&["03 80", "03 85", "03 86"])
        };
        let prefix: String = prefix.chars().filter(|c| !c.is_whitespace()).collect();
        let rest = rng.digits(10 - prefix.len());
        let d = format!("{prefix}{rest}");
        if ids::digits_are_safe(&d) && ids::digits_are_safe(&d[1..]) {
            let international = rng.chance(1, 5);
            let sep = *rng.pick(&[" ", " ", " ", ".", "", "\u{a0}"]);
            return layout::phone(&d, international, sep);
        }
    }
}

pub fn person(rng: &mut Rng) -> Person {
    let sex = if rng.chance(1, 2) { 2 } else { 1 };
    let first = if sex == 2 {
        *rng.pick(FIRST_F)
    } else {
        *rng.pick(FIRST_M)
    };
    let last = *rng.pick(LAST);
    let provider = *rng.pick(&["example.fr", "example.com", "example.org", "example.net"]);
    let email = match rng.below(3) {
        0 => format!("{}.{}@{provider}", slug(first), slug(last)),
        1 => format!(
            "{}{}{}@{provider}",
            slug(first).chars().next().unwrap_or('x'),
            slug(last),
            rng.range(1, 99)
        ),
        _ => format!("{}-{}@{provider}", slug(last), slug(first)),
    };
    Person {
        first: first.to_string(),
        last: last.to_string(),
        sex,
        email,
        phone: {
            let mobile = rng.chance(2, 3);
            phone(rng, mobile)
        },
    }
}

pub fn company(rng: &mut Rng) -> Company {
    let (trade_name, trade, _) = *rng.pick(TRADES);
    let contact = person(rng);
    let form = *rng.pick(&["SARL", "SAS", "EURL", "SASU", "", "& Fils"]);
    let name = if form.is_empty() {
        format!("{trade_name} {}", contact.last)
    } else {
        format!("{trade_name} {} {form}", contact.last)
    };
    let domain = format!("{}-{}.example.fr", trade, slug(&contact.last));
    let siren = ids::siren(rng);
    let siret = ids::siret(rng, &siren);
    let vat = ids::vat(&siren);
    let mut contact = contact;
    contact.email = format!(
        "{}@{domain}",
        rng.pick(&[
            "contact",
            "devis",
            "compta",
            "secretariat",
            &slug(&contact.first)
        ])
    );
    Company {
        name,
        trade,
        domain,
        street: format!("{} {}", rng.range(1, 60), rng.pick(STREETS)),
        town: *rng.pick(TOWNS),
        siren,
        siret,
        vat,
        account: ids::fr_account(rng),
        phone: phone(rng, false),
        capital: rng.pick(&[1000, 5000, 7500, 10000, 15000, 50000]) * 100,
        contact,
    }
}

/// Work items of a company's trade.
pub fn work_items(trade: &str) -> &'static [&'static str] {
    TRADES
        .iter()
        .find(|(_, t, _)| *t == trade)
        .map(|(_, _, w)| *w)
        .unwrap_or(&["Prestation de service"])
}

/// People of the mairie itself.
pub struct Mairie {
    pub maire: Person,
    pub secretaire: Person,
    pub adjoint: Person,
    pub agent: Person,
    pub account: ids::FrAccount,
    pub siren: String,
    pub siret: String,
}

impl Mairie {
    pub fn new(seed: u64) -> Mairie {
        // One stream reserved for the mairie so that every message agrees on who works there.
        let mut rng = Rng::new(seed, u64::MAX);
        let mut maire = person(&mut rng);
        maire.email = format!("maire@{DOMAIN}");
        let mut secretaire = person(&mut rng);
        secretaire.sex = 2;
        secretaire.first = rng.pick(FIRST_F).to_string();
        secretaire.email = format!("secretariat@{DOMAIN}");
        let mut adjoint = person(&mut rng);
        adjoint.email = format!("{}.{}@{DOMAIN}", slug(&adjoint.first), slug(&adjoint.last));
        let mut agent = person(&mut rng);
        agent.email = format!("technique@{DOMAIN}");
        // The commune's SIREN starts with 21 like every commune's.
        let siren = loop {
            let partial = format!("21{}", rng.digits(6));
            let s = format!("{partial}{}", ids::luhn_check_digit(&partial));
            if ids::siren_is_valid(&s) {
                break s;
            }
        };
        let siret = format!("{siren}00011");
        let siret = if ids::siret_is_valid(&siret) {
            siret
        } else {
            ids::siret(&mut rng, &siren)
        };
        Mairie {
            maire,
            secretaire,
            adjoint,
            agent,
            account: ids::tresor_account(&mut rng),
            siren,
            siret,
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Prose. Placeholders in braces are filled by `fill`.

/// Everyday topics of a mairie's mailbox: (subject templates, body sentences).
pub const TOPICS: &[(&[&str], &[&str])] = &[
    (
        &[
            "Convocation au conseil municipal du {date}",
            "Ordre du jour du prochain conseil municipal",
            "Compte rendu du conseil municipal",
        ],
        &[
            "Vous êtes convoqué(e) à la séance du conseil municipal qui se tiendra le {date} à {heure} en salle du conseil.",
            "L'ordre du jour comprend le vote du budget primitif, les subventions aux associations et le point sur les travaux de voirie.",
            "Le compte rendu de la dernière séance est joint pour approbation.",
            "En cas d'empêchement, merci de donner pouvoir à un autre conseiller et de prévenir le secrétariat.",
            "La délibération relative au tarif de la cantine a été adoptée à l'unanimité.",
            "Le conseil a approuvé la convention avec la communauté de communes pour l'instruction des autorisations d'urbanisme.",
            "Les documents préparatoires sont consultables en mairie aux heures d'ouverture.",
        ],
    ),
    (
        &[
            "Réservation de la salle des fêtes",
            "Location salle des fêtes le {date}",
            "Demande de prêt de tables et de bancs",
        ],
        &[
            "Je souhaiterais réserver la salle des fêtes pour le {date} à l'occasion d'un anniversaire.",
            "Pourriez-vous me confirmer la disponibilité de la salle et le montant de la caution ?",
            "Le tarif de location pour les habitants de la commune est de {montant} € le week-end.",
            "La remise des clés se fait le vendredi à partir de 17 h, l'état des lieux le lundi matin.",
            "Une attestation d'assurance responsabilité civile devra être fournie avant la remise des clés.",
            "Nous aurions également besoin de six tables et de douze bancs, si c'est possible.",
            "Le chèque de caution sera restitué après l'état des lieux de sortie.",
        ],
    ),
    (
        &[
            "Inscriptions cantine et périscolaire",
            "Menus de la cantine – semaine du {date}",
            "Facturation cantine : question",
        ],
        &[
            "Les inscriptions à la cantine pour la rentrée se font au secrétariat jusqu'au {date}.",
            "Le prix du repas reste fixé à {montant} € pour les enfants de la commune.",
            "Merci de signaler toute allergie alimentaire au moyen du formulaire de projet d'accueil individualisé.",
            "La garderie du matin ouvre à 7 h 30, celle du soir ferme à 18 h 30.",
            "Les menus de la semaine sont affichés à l'entrée de l'école et publiés sur le site de la commune.",
            "Je ne comprends pas le montant de la dernière facture, mon fils n'a mangé que trois jours.",
        ],
    ),
    (
        &[
            "Travaux de voirie {rue}",
            "Arrêté de circulation – travaux",
            "Nid-de-poule dangereux {rue}",
        ],
        &[
            "Les travaux de réfection de la chaussée débuteront le {date} pour une durée d'environ trois semaines.",
            "La circulation sera alternée par feux tricolores et le stationnement interdit au droit du chantier.",
            "Un nid-de-poule s'est formé devant le numéro {num}, plusieurs voitures ont déjà été abîmées.",
            "L'arrêté temporaire de circulation a été transmis à la gendarmerie et affiché en mairie.",
            "Les riverains seront informés par un courrier déposé dans les boîtes aux lettres.",
            "Le conseil départemental prend en charge la signalisation sur la route départementale.",
        ],
    ),
    (
        &[
            "Demande de subvention – association {asso}",
            "Dossier de subvention {annee}",
            "Assemblée générale de l'association {asso}",
        ],
        &[
            "Veuillez trouver ci-après notre demande de subvention pour l'année {annee}.",
            "L'association compte cette année {num} adhérents, dont une majorité de jeunes de la commune.",
            "Le bilan financier fait apparaître un léger déficit dû à l'annulation de la fête d'été.",
            "Nous vous invitons à notre assemblée générale le {date} à {heure} à la salle des fêtes.",
            "La commune avait attribué {montant} € l'an dernier ; nous sollicitons le même montant.",
            "Le bureau a été renouvelé : la présidence est désormais assurée par {prenom} {nom}.",
        ],
    ),
    (
        &[
            "Cimetière : demande de concession",
            "Renouvellement de concession",
            "Entretien du cimetière",
        ],
        &[
            "Je souhaiterais acquérir une concession trentenaire dans le nouveau cimetière.",
            "La concession de la famille {nom} arrive à échéance le {date} ; souhaitez-vous la renouveler ?",
            "Le tarif d'une concession de trente ans est de {montant} € pour un emplacement de deux places.",
            "Les allées seront désherbées avant la Toussaint par l'agent technique.",
            "Une reprise des concessions en état d'abandon est engagée conformément au code général des collectivités territoriales.",
        ],
    ),
    (
        &[
            "Fête du village – organisation",
            "Repas des aînés {annee}",
            "Cérémonie du 11 Novembre",
            "Marché de Noël : appel aux bénévoles",
        ],
        &[
            "Le repas des aînés aura lieu le {date} à midi à la salle des fêtes ; merci de confirmer votre présence.",
            "Nous recherchons des bénévoles pour l'installation des stands le samedi matin.",
            "La cérémonie commémorative débutera à {heure} au monument aux morts, suivie d'un vin d'honneur.",
            "Le feu d'artifice sera tiré depuis le stade si la météo le permet.",
            "Les enfants de l'école chanteront la Marseillaise avec leur institutrice.",
            "Un arrêté interdira le stationnement sur la place de la Mairie du vendredi soir au dimanche.",
        ],
    ),
    (
        &[
            "Collecte des déchets : changement de jour",
            "Dépôt sauvage chemin des Vignes",
            "Composteurs : distribution",
        ],
        &[
            "À compter du {date}, la collecte des ordures ménagères aura lieu le mardi matin.",
            "Un dépôt sauvage de gravats a été constaté ; une plainte a été déposée à la gendarmerie.",
            "Le syndicat intercommunal distribuera des composteurs aux habitants qui en feront la demande.",
            "Merci de sortir les bacs la veille au soir et de les rentrer après le passage du camion.",
            "La déchetterie intercommunale est ouverte le mercredi et le samedi.",
        ],
    ),
    (
        &[
            "Relance : document manquant",
            "Votre demande du {date}",
            "Question sur un courrier reçu",
            "Rendez-vous avec M. le Maire",
        ],
        &[
            "Je me permets de vous relancer au sujet de ma demande restée sans réponse.",
            "Monsieur le Maire pourra vous recevoir le {date} à {heure}.",
            "Le secrétariat est ouvert le lundi, le mardi et le jeudi de 9 h à 12 h, et le vendredi de 14 h à 18 h.",
            "Pourriez-vous me rappeler au {tel} lorsque vous aurez un moment ?",
            "Je vous remercie par avance de l'attention que vous porterez à ma demande.",
            "Vous trouverez toutes les informations utiles sur le site internet de la commune.",
        ],
    ),
    (
        &[
            "Transport scolaire : horaires",
            "Arrêt de bus {hameau}",
            "Sécurité aux abords de l'école",
        ],
        &[
            "Le car scolaire passera désormais à l'arrêt {hameau} à 7 h 42.",
            "Plusieurs parents se plaignent de la vitesse des véhicules devant l'école.",
            "La région a confirmé le maintien de la ligne pour l'année scolaire {annee}.",
            "Un ralentisseur pourrait être installé après avis de la commission voirie.",
        ],
    ),
    (
        &[
            "Bulletin municipal : articles à fournir",
            "Site internet de la commune",
            "Panneau d'affichage lumineux",
        ],
        &[
            "Merci de nous faire parvenir vos articles pour le bulletin municipal avant le {date}.",
            "Les photos doivent être libres de droits et accompagnées d'une légende.",
            "La mise à jour du site internet est confiée à la commission communication.",
            "Le prochain numéro du bulletin sera distribué dans les boîtes aux lettres fin {mois}.",
        ],
    ),
    (
        &[
            "Eau potable : coupure programmée",
            "Relevé des compteurs d'eau",
            "Assainissement : contrôle de conformité",
        ],
        &[
            "Une coupure d'eau est programmée le {date} de 8 h à 12 h pour raccordement du réseau.",
            "Le fontainier relèvera les compteurs d'eau dans la semaine du {date}.",
            "Le contrôle de conformité de l'assainissement non collectif est obligatoire lors d'une vente.",
            "Le prix du mètre cube a été fixé par délibération à {prix} € hors taxes.",
        ],
    ),
];

/// Greetings and closings, formal and informal.
pub const GREETINGS: &[&str] = &[
    "Bonjour,",
    "Madame, Monsieur,",
    "Bonjour Madame,",
    "Bonjour Monsieur le Maire,",
    "Monsieur le Maire,",
    "Bonjour à tous,",
    "Chère Madame,",
];
pub const CLOSINGS: &[&str] = &[
    "Cordialement,",
    "Bien cordialement,",
    "Je vous prie d'agréer, Madame, Monsieur, l'expression de mes salutations distinguées.",
    "Veuillez agréer, Monsieur le Maire, l'expression de ma haute considération.",
    "Bonne journée,",
    "Merci d'avance, cordialement,",
    "Sincères salutations,",
];

pub const ASSOCIATIONS: &[&str] = &[
    "Comité des fêtes",
    "Club des aînés ruraux",
    "Amicale des sapeurs-pompiers",
    "Association sportive de Saint-Martin",
    "Société de chasse La Saint-Hubert",
    "Bibliothèque pour tous",
    "Sou des écoles",
];

pub const MONTHS: &[&str] = &[
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
];

/// Fills the placeholders of a template with random but plausible values.
pub fn fill(template: &str, rng: &mut Rng, year: i32, out: &mut String) {
    let mut rest = template;
    while let Some(start) = rest.find('{') {
        out.push_str(&rest[..start]);
        let after = &rest[start + 1..];
        let Some(end) = after.find('}') else {
            out.push_str(&rest[start..]);
            return;
        };
        let key = &after[..end];
        match key {
            "date" => {
                let d = rng.range(1, 28);
                let m = rng.below(12) as usize;
                out.push_str(&format!("{d} {} {year}", MONTHS[m]));
            }
            "heure" => out.push_str(&format!(
                "{} h {:02}",
                rng.range(8, 20),
                rng.pick(&[0, 15, 30, 45])
            )),
            "montant" => out.push_str(&layout::amount(
                rng.range(1500, 150_000) / 100 * 100,
                "\u{a0}",
            )),
            "prix" => out.push_str(&format!("{},{:02}", rng.range(1, 3), rng.range(0, 99))),
            "tel" => {
                let mobile = rng.chance(1, 2);
                out.push_str(&phone(rng, mobile))
            }
            "prenom" => {
                let list = if rng.chance(1, 2) { FIRST_F } else { FIRST_M };
                out.push_str(rng.pick_str(list));
            }
            "nom" => out.push_str(rng.pick_str(LAST)),
            "rue" => out.push_str(rng.pick_str(STREETS)),
            "num" => out.push_str(&rng.range(2, 140).to_string()),
            "asso" => out.push_str(rng.pick_str(ASSOCIATIONS)),
            "annee" => out.push_str(&year.to_string()),
            "mois" => out.push_str(MONTHS[rng.below(12) as usize]),
            "hameau" => out.push_str(rng.pick_str(HAMLETS)),
            "commune" => out.push_str(COMMUNE),
            other => {
                out.push('{');
                out.push_str(other);
                out.push('}');
            }
        }
        rest = &after[end + 1..];
    }
    out.push_str(rest);
}

/// A filled template as a new string.
pub fn filled(template: &str, rng: &mut Rng, year: i32) -> String {
    let mut s = String::new();
    fill(template, rng, year, &mut s);
    s
}

/// A paragraph of `n` sentences from one topic.
pub fn paragraph(rng: &mut Rng, topic: usize, n: usize, year: i32, out: &mut String) {
    paragraph_n(rng, topic, n, year, out)
}

/// A paragraph of between `lo` and `hi` sentences from one topic.
pub fn paragraph_between(
    rng: &mut Rng,
    topic: usize,
    lo: usize,
    hi: usize,
    year: i32,
    out: &mut String,
) {
    let n = rng.urange(lo, hi);
    paragraph_n(rng, topic, n, year, out)
}

fn paragraph_n(rng: &mut Rng, topic: usize, n: usize, year: i32, out: &mut String) {
    let sentences = TOPICS[topic % TOPICS.len()].1;
    // Without replacement, so a paragraph never says the same thing twice in a row.
    let mut order: Vec<usize> = (0..sentences.len()).collect();
    rng.shuffle(&mut order);
    for i in 0..n {
        if i > 0 {
            out.push(' ');
        }
        fill(sentences[order[i % order.len()]], rng, year, out);
    }
}

/// An e-mail signature block.
pub fn signature(p: &Person, role: Option<&str>, org: Option<&str>) -> String {
    let mut s = format!("--\n{}", p.full());
    if let Some(r) = role {
        s.push('\n');
        s.push_str(r);
    }
    if let Some(o) = org {
        s.push('\n');
        s.push_str(o);
    }
    s.push_str(&format!("\nTél. : {}", p.phone));
    s
}

/// Signature of the secretariat of the mairie.
pub fn mairie_signature(m: &Mairie) -> String {
    format!(
        "--\n{}\nSecrétaire de mairie\nMairie de {COMMUNE}\n{MAIRIE_ADDRESS}\nTél. : {MAIRIE_PHONE}\nOuvert lundi, mardi, jeudi 9 h – 12 h, vendredi 14 h – 18 h",
        m.secretaire.full()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs() {
        assert_eq!(slug("Électricité Générale"), "electricite-generale");
        assert_eq!(slug("Jean-Claude"), "jean-claude");
    }

    #[test]
    fn fill_replaces_known_keys() {
        let mut rng = Rng::new(1, 1);
        let s = filled("Le {date} à {heure}, {montant} € {inconnu}", &mut rng, 2020);
        assert!(s.contains("2020"));
        assert!(s.contains("{inconnu}"));
        assert!(!s.contains("{date}"));
    }

    #[test]
    fn mairie_is_stable() {
        let a = Mairie::new(3);
        let b = Mairie::new(3);
        assert_eq!(a.maire.full(), b.maire.full());
        assert_eq!(a.account.iban, b.account.iban);
        assert!(ids::siret_is_valid(&a.siret));
    }
}
