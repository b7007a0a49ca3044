//! The command line of `vigie incident`, `vigie contacts` and `vigie organisation`. Help texts
//! are French; option names are the stable English forms others script against.

use std::path::PathBuf;

use clap::{Args, Subcommand, ValueEnum};

/// Output format of the incident commands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DataFormat {
    /// Lisible dans le terminal.
    Text,
    /// JSON (champ « schema »), pour les scripts.
    Json,
}

/// Who does the action (recorded in the journal).
#[derive(Debug, Clone, Args)]
pub struct ActorArg {
    /// Qui fait l'action (inscrit au journal). Par défaut : VIGIE_ACTOR, sinon l'utilisateur
    /// du système.
    #[arg(long = "by", env = "VIGIE_ACTOR", value_name = "NOM")]
    pub by: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum IncidentCommand {
    /// Déclarer un incident (la date de découverte lance les délais de 72 heures).
    New(NewArgs),
    /// Lister les incidents et leurs délais.
    List(FormatArg),
    /// Tout sur un incident : délais, étapes, preuves, documents, empreinte du journal.
    Show(IdFormatArgs),
    /// Compléter ou corriger un incident (nature, personnes concernées, plainte, coûts, T0...).
    Update(Box<UpdateArgs>),
    /// Cocher une étape de la fiche réflexes.
    Step(StepArgs),
    /// Noter qu'un contact a été appelé ou joint.
    Contact(ContactCalledArgs),
    /// Ajouter une note au journal.
    Note(NoteArgs),
    /// Afficher le journal chaîné de l'incident.
    Journal(IdFormatArgs),
    /// Coffre de preuves : ajouter, lister.
    #[command(subcommand)]
    Evidence(EvidenceCommand),
    /// Vérifier l'intégrité : journal, preuves, documents (ou un dossier exporté).
    Verify(VerifyArgs),
    /// Produire un document PDF (CNIL, plainte, assureur, information, registre, fiche réflexes).
    Document(DocumentArgs),
    /// Exporter le dossier complet (ZIP) : preuves, journal, documents, manifeste.
    Export(ExportArgs),
    /// Lister les fiches réflexes (types d'incident) disponibles.
    Playbooks(FormatArg),
}

#[derive(Debug, Args)]
pub struct FormatArg {
    /// Format du résultat.
    #[arg(long, value_enum, default_value_t = DataFormat::Text)]
    pub format: DataFormat,
}

#[derive(Debug, Args)]
pub struct IdFormatArgs {
    /// Numéro de l'incident (INC-2026-0001) ou son identifiant.
    #[arg(value_name = "INCIDENT")]
    pub id: String,
    /// Format du résultat.
    #[arg(long, value_enum, default_value_t = DataFormat::Text)]
    pub format: DataFormat,
}

#[derive(Debug, Args)]
pub struct NewArgs {
    /// Type d'incident : compromission-messagerie, faux-support, rancongiciel,
    /// fraude-virement, fuite-donnees.
    #[arg(long, value_name = "TYPE")]
    pub playbook: String,
    /// Titre court.
    #[arg(long, value_name = "TITRE")]
    pub title: String,
    /// Quand le problème a été constaté (RFC 3339, ex. 2026-11-27T09:30:00+01:00).
    #[arg(long, value_name = "DATE")]
    pub discovered_at: String,
    /// Description libre.
    #[arg(long, value_name = "TEXTE", default_value = "")]
    pub description: String,
    /// Des données personnelles ont pu être lues, modifiées ou détruites (notification CNIL).
    #[arg(long)]
    pub personal_data: bool,
    #[command(flatten)]
    pub actor: ActorArg,
    /// Format du résultat.
    #[arg(long, value_enum, default_value_t = DataFormat::Text)]
    pub format: DataFormat,
}

/// yes/no values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum YesNo {
    #[value(alias = "oui")]
    Yes,
    #[value(alias = "non")]
    No,
}

impl YesNo {
    pub fn as_bool(self) -> bool {
        self == YesNo::Yes
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum NotificationArg {
    Initiale,
    Complementaire,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ComplaintServiceArg {
    Gendarmerie,
    Commissariat,
    Procureur,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum StatusArg {
    Ouvert,
    Clos,
}

#[derive(Debug, Args)]
pub struct UpdateArgs {
    /// Numéro de l'incident.
    #[arg(value_name = "INCIDENT")]
    pub id: String,
    /// Nouveau titre.
    #[arg(long, value_name = "TITRE")]
    pub title: Option<String>,
    /// Nouvelle description.
    #[arg(long, value_name = "TEXTE")]
    pub description: Option<String>,
    /// Corriger la date de découverte (T0) ; exige --reason.
    #[arg(long, value_name = "DATE", requires = "reason")]
    pub discovered_at: Option<String>,
    /// Raison de la correction de T0 (inscrite au journal).
    #[arg(long, value_name = "TEXTE")]
    pub reason: Option<String>,
    /// Des données personnelles sont concernées (yes/no).
    #[arg(long, value_enum, value_name = "OUI/NON")]
    pub personal_data: Option<YesNo>,
    /// Risque élevé pour les personnes (yes/no) : il faut les informer (art. 34).
    #[arg(long, value_enum, value_name = "OUI/NON")]
    pub high_risk: Option<YesNo>,
    /// Atteinte à la confidentialité (données lues ou copiées).
    #[arg(long)]
    pub confidentiality: bool,
    /// Atteinte à l'intégrité (données modifiées).
    #[arg(long)]
    pub integrity: bool,
    /// Atteinte à la disponibilité (données détruites ou inaccessibles).
    #[arg(long)]
    pub availability: bool,
    /// Catégorie de données concernées (répétable) : « coordonnées bancaires »...
    #[arg(long = "data-category", value_name = "TEXTE")]
    pub data_categories: Vec<String>,
    /// Catégorie de personnes concernées (répétable) : « administrés », « agents »...
    #[arg(long = "people-category", value_name = "TEXTE")]
    pub people_categories: Vec<String>,
    /// Nombre approximatif de personnes concernées.
    #[arg(long, value_name = "N")]
    pub people_count: Option<u64>,
    /// Nombre approximatif d'enregistrements concernés.
    #[arg(long, value_name = "N")]
    pub records_count: Option<u64>,
    /// Conséquences probables.
    #[arg(long, value_name = "TEXTE")]
    pub consequences: Option<String>,
    /// Mesure prise (répétable).
    #[arg(long = "measure-taken", value_name = "TEXTE")]
    pub measures_taken: Vec<String>,
    /// Mesure envisagée (répétable).
    #[arg(long = "measure-planned", value_name = "TEXTE")]
    pub measures_planned: Vec<String>,
    /// Raison du retard si la CNIL est notifiée après 72 heures.
    #[arg(long, value_name = "TEXTE")]
    pub delay_reason: Option<String>,
    /// Notification initiale ou complémentaire.
    #[arg(long, value_enum)]
    pub notification: Option<NotificationArg>,
    /// Date de la notification à la CNIL (RFC 3339).
    #[arg(long, value_name = "DATE")]
    pub cnil_notified_at: Option<String>,
    /// Numéro de la notification CNIL.
    #[arg(long, value_name = "NUMÉRO")]
    pub cnil_reference: Option<String>,
    /// Date à laquelle les personnes ont été informées (RFC 3339).
    #[arg(long, value_name = "DATE")]
    pub people_informed_at: Option<String>,
    /// Conseil donné aux personnes concernées (répétable).
    #[arg(long = "advice", value_name = "TEXTE")]
    pub advice: Vec<String>,
    /// Numéro du récépissé de plainte.
    #[arg(long, value_name = "NUMÉRO")]
    pub complaint_reference: Option<String>,
    /// Service où la plainte est déposée.
    #[arg(long, value_enum)]
    pub complaint_service: Option<ComplaintServiceArg>,
    /// Nom du service (« Brigade de gendarmerie de ... »).
    #[arg(long, value_name = "NOM")]
    pub complaint_service_name: Option<String>,
    /// Date du dépôt de plainte (RFC 3339).
    #[arg(long, value_name = "DATE")]
    pub complaint_filed_at: Option<String>,
    /// Date de la déclaration à l'assureur (RFC 3339).
    #[arg(long, value_name = "DATE")]
    pub insurer_notified_at: Option<String>,
    /// Préjudice : « description=montant en euros » (répétable), ex. « virement frauduleux=12500 ».
    #[arg(long = "loss", value_name = "DESCRIPTION=MONTANT")]
    pub losses: Vec<String>,
    /// Frais engagés : « description=montant en euros » (répétable).
    #[arg(long = "cost", value_name = "DESCRIPTION=MONTANT")]
    pub costs: Vec<String>,
    /// Personne impliquée ou suspecte : « nom;rôle;détails » (répétable).
    #[arg(long = "person", value_name = "NOM;RÔLE;DÉTAILS")]
    pub persons: Vec<String>,
    /// Statut de l'incident.
    #[arg(long, value_enum)]
    pub status: Option<StatusArg>,
    #[command(flatten)]
    pub actor: ActorArg,
}

#[derive(Debug, Args)]
pub struct StepArgs {
    /// Numéro de l'incident.
    #[arg(value_name = "INCIDENT")]
    pub id: String,
    /// Identifiant de l'étape (voir « vigie incident show »).
    #[arg(value_name = "ÉTAPE")]
    pub step: String,
    /// Note libre.
    #[arg(long, value_name = "TEXTE", default_value = "")]
    pub note: String,
    #[command(flatten)]
    pub actor: ActorArg,
}

#[derive(Debug, Args)]
pub struct ContactCalledArgs {
    /// Numéro de l'incident.
    #[arg(value_name = "INCIDENT")]
    pub id: String,
    /// Contact joint : identifiant de l'annuaire (voir « vigie contacts list ») ou nom libre.
    #[arg(value_name = "CONTACT")]
    pub contact: String,
    /// Ce qui a été dit ou convenu.
    #[arg(long, value_name = "TEXTE", default_value = "")]
    pub note: String,
    #[command(flatten)]
    pub actor: ActorArg,
}

#[derive(Debug, Args)]
pub struct NoteArgs {
    /// Numéro de l'incident.
    #[arg(value_name = "INCIDENT")]
    pub id: String,
    /// Texte de la note.
    #[arg(value_name = "TEXTE")]
    pub text: String,
    #[command(flatten)]
    pub actor: ActorArg,
}

#[derive(Debug, Subcommand)]
pub enum EvidenceCommand {
    /// Ajouter des fichiers au coffre de preuves (captures, enregistrements, historiques, .eml...).
    Add(EvidenceAddArgs),
    /// Lister les preuves d'un incident.
    List(IdFormatArgs),
}

#[derive(Debug, Args)]
pub struct EvidenceAddArgs {
    /// Numéro de l'incident.
    #[arg(value_name = "INCIDENT")]
    pub id: String,
    /// Fichiers à ajouter.
    #[arg(value_name = "FICHIER", required = true, num_args = 1..)]
    pub files: Vec<PathBuf>,
    /// Ce que montre la preuve.
    #[arg(long, value_name = "TEXTE")]
    pub description: String,
    /// Qui a recueilli la preuve (par défaut : --by).
    #[arg(long, value_name = "NOM")]
    pub collected_by: Option<String>,
    /// Quand la preuve a été recueillie (RFC 3339 ; par défaut : maintenant).
    #[arg(long, value_name = "DATE")]
    pub collected_at: Option<String>,
    #[command(flatten)]
    pub actor: ActorArg,
    /// Format du résultat.
    #[arg(long, value_enum, default_value_t = DataFormat::Text)]
    pub format: DataFormat,
}

#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// Numéro de l'incident à vérifier dans les données de Vigie.
    #[arg(value_name = "INCIDENT", required_unless_present = "dossier")]
    pub id: Option<String>,
    /// Vérifier un dossier exporté (ZIP), seul, sans les données de Vigie.
    #[arg(long, value_name = "ZIP", conflicts_with = "id")]
    pub dossier: Option<PathBuf>,
    /// Empreinte du journal relevée sur un document remis (ex. à la gendarmerie) :
    /// « EMPREINTE » ou « EMPREINTE:NOMBRE_D_ENTRÉES ».
    #[arg(long, value_name = "EMPREINTE[:N]")]
    pub head: Option<String>,
    /// Format du résultat.
    #[arg(long, value_enum, default_value_t = DataFormat::Text)]
    pub format: DataFormat,
}

#[derive(Debug, Args)]
pub struct DocumentArgs {
    /// Numéro de l'incident (inutile pour le registre et la fiche réflexes).
    #[arg(value_name = "INCIDENT")]
    pub id: Option<String>,
    /// Document : cnil, plainte, assureur, information, registre, fiche-reflexes.
    #[arg(long = "type", value_name = "TYPE")]
    pub kind: String,
    /// Fichier PDF à écrire.
    #[arg(long, short, value_name = "FICHIER.pdf")]
    pub output: PathBuf,
    #[command(flatten)]
    pub actor: ActorArg,
}

#[derive(Debug, Args)]
pub struct ExportArgs {
    /// Numéro de l'incident.
    #[arg(value_name = "INCIDENT")]
    pub id: String,
    /// Fichier ZIP à écrire.
    #[arg(long, short, value_name = "FICHIER.zip")]
    pub output: PathBuf,
    #[command(flatten)]
    pub actor: ActorArg,
}

#[derive(Debug, Subcommand)]
pub enum ContactsCommand {
    /// Lister les contacts : ceux de l'organisation, les contacts nationaux, le CSIRT régional.
    List(FormatArg),
    /// Ajouter ou remplacer un contact de l'organisation.
    Add(ContactAddArgs),
    /// Noter que les coordonnées d'un contact viennent d'être vérifiées.
    Verify(ContactIdArg),
    /// Retirer un contact de l'organisation.
    Remove(ContactIdArg),
}

#[derive(Debug, Args)]
pub struct ContactIdArg {
    /// Identifiant du contact.
    #[arg(value_name = "CONTACT")]
    pub id: String,
}

#[derive(Debug, Args)]
pub struct ContactAddArgs {
    /// Rôle : prestataire-informatique, assureur, banque-tresorerie, dpo, direction.
    #[arg(long, value_name = "RÔLE")]
    pub role: String,
    /// Nom (personne ou organisme).
    #[arg(long, value_name = "NOM")]
    pub name: String,
    /// Identifiant (par défaut : le rôle).
    #[arg(long, value_name = "ID")]
    pub id: Option<String>,
    #[arg(long, value_name = "TÉLÉPHONE")]
    pub phone: Option<String>,
    #[arg(long, value_name = "ADRESSE")]
    pub email: Option<String>,
    #[arg(long, value_name = "URL")]
    pub website: Option<String>,
    /// Numéro de contrat (assureur).
    #[arg(long, value_name = "NUMÉRO")]
    pub policy_number: Option<String>,
    #[arg(long, value_name = "TEXTE")]
    pub notes: Option<String>,
    /// Les coordonnées viennent d'être vérifiées (appel, site officiel).
    #[arg(long)]
    pub verified: bool,
}

#[derive(Debug, Subcommand)]
pub enum OrganisationCommand {
    /// Afficher la fiche de l'organisation.
    Show(FormatArg),
    /// Renseigner la fiche de l'organisation (imprimée sur les documents).
    Set(Box<OrganisationSetArgs>),
}

#[derive(Debug, Args)]
pub struct OrganisationSetArgs {
    /// Nom (« Mairie de Saint-Exemple »).
    #[arg(long, value_name = "NOM")]
    pub name: Option<String>,
    #[arg(long, value_name = "SIREN")]
    pub siren: Option<String>,
    /// Adresse postale.
    #[arg(long, value_name = "ADRESSE")]
    pub address: Option<String>,
    /// Région (identifiant, ex. bourgogne-franche-comte) : donne le CSIRT régional.
    #[arg(long, value_name = "RÉGION")]
    pub region: Option<String>,
    /// Représentant légal (nom).
    #[arg(long, value_name = "NOM")]
    pub representative: Option<String>,
    /// Qualité du représentant (« Maire »).
    #[arg(long, value_name = "QUALITÉ")]
    pub representative_role: Option<String>,
    #[arg(long, value_name = "TÉLÉPHONE")]
    pub phone: Option<String>,
    #[arg(long, value_name = "ADRESSE")]
    pub email: Option<String>,
    /// Délégué à la protection des données : nom.
    #[arg(long, value_name = "NOM")]
    pub dpo_name: Option<String>,
    #[arg(long, value_name = "ADRESSE")]
    pub dpo_email: Option<String>,
    #[arg(long, value_name = "TÉLÉPHONE")]
    pub dpo_phone: Option<String>,
    /// Assureur : nom.
    #[arg(long, value_name = "NOM")]
    pub insurer: Option<String>,
    /// Numéro de contrat d'assurance.
    #[arg(long, value_name = "NUMÉRO")]
    pub policy_number: Option<String>,
    /// Délai de déclaration du contrat, en jours ouvrés (5 au minimum par la loi).
    #[arg(long, value_name = "JOURS")]
    pub insurer_days: Option<u32>,
    #[command(flatten)]
    pub actor: ActorArg,
}
