//! The English catalogue: each French sentence of the screens (the key, exactly as written in
//! the template or the handler) and its English text. Sorted by key; the tests of
//! [`super`] check that every key used in the code is here, that every entry is used, and that
//! both sides carry the same `{placeholders}`.
//!
//! To translate a new sentence: write it in French in the template (`chrome.t("…")`) or the
//! handler (`lang.t("…")`), run `cargo test -p vigie-server --lib i18n`, and add the line the
//! failing test names.

use std::collections::HashMap;
use std::sync::LazyLock;

/// (French, English), sorted by French.
pub(super) const ENTRIES: &[(&str, &str)] = &[
    (
        " : Vigie lance les délais à respecter et vous guide pas à pas.",
        ": Vigie starts the deadlines to meet and guides you step by step.",
    ),
    (
        " : il ne déplace, ne supprime et ne marque aucun message. Le mot de passe est chiffré avec une clé gardée hors de la base de données ; il n'est plus jamais affiché. Si votre messagerie le permet, créez un",
        ": it never moves, deletes or flags a message. The password is encrypted with a key kept outside the database; it is never shown again. If your mail provider allows it, create an",
    ),
    (
        " : un code à six chiffres donné par une application de votre téléphone, demandé à chaque connexion. C'est ce qui aurait empêché le piratage de messagerie dont Vigie est né.",
        ": a six-digit code given by an app on your phone, asked at every sign-in. It is what would have prevented the mailbox hack Vigie was born from.",
    ),
    (
        "(La fiche est rédigée en français.)",
        "(The sheet is written in French.)",
    ),
    ("(affichée)", "(shown)"),
    ("(cet appareil)", "(this device)"),
    ("(vous)", "(you)"),
    (
        "). Copiez ce lien dans votre navigateur.",
        "). Copy that link into your browser.",
    ),
    (
        ", sans chercher. Notez vos contacts maintenant et vérifiez-les une fois par an (un numéro change, un prestataire aussi). Imprimez la",
        ", without searching. Write your contacts down now and check them once a year (numbers change, and so do providers). Print the",
    ),
    (
        ". Choisissez un mot de passe ; juste après, vous activerez la double authentification (un code à six chiffres donné par une application de votre téléphone).",
        ". Choose a password; right after, you will enable two-factor authentication (a six-digit code given by an app on your phone).",
    ),
    (
        ". Si vous n'avez plus votre téléphone, saisissez l'un de vos codes de secours.",
        ". If you no longer have your phone, enter one of your recovery codes.",
    ),
    ("Accès refusé", "Access denied"),
    ("Actions", "Actions"),
    ("Activer", "Enable"),
    (
        "Activer la double authentification",
        "Enable two-factor authentication",
    ),
    ("Administrateur", "Administrator"),
    ("Adresse", "Address"),
    (
        "Adresse du serveur invalide : {erreur}",
        "Invalid server address: {erreur}",
    ),
    ("Adresse électronique", "E-mail address"),
    (
        "Adresse électronique (ce sera son identifiant)",
        "E-mail address (it will be their login)",
    ),
    (
        "Adresse électronique (ce sera votre identifiant)",
        "E-mail address (it will be your login)",
    ),
    (
        "Adresse électronique ou mot de passe incorrect.",
        "Wrong e-mail address or password.",
    ),
    ("Agent", "Staff member"),
    ("Ajouter au coffre de preuves", "Add to the evidence locker"),
    (
        "Ajouter et lancer le premier contrôle",
        "Add and run the first check",
    ),
    ("Ajouter la commune", "Add the council"),
    ("Ajouter un contact", "Add a contact"),
    ("Ajouter une boîte aux lettres", "Add a mailbox"),
    ("Ajouter une clé d'accès", "Add a passkey"),
    (
        "Ajouter une commune que vous accompagnez",
        "Add a council you look after",
    ),
    ("Ajoutée par {nom}.", "Added by {nom}."),
    ("Aller au contenu", "Skip to content"),
    ("Aller au tableau de bord", "Go to the dashboard"),
    ("Annuler l'invitation", "Cancel the invitation"),
    ("Appareils connectés", "Signed-in devices"),
    (
        "Application d'authentification (codes à six chiffres) :",
        "Authenticator app (six-digit codes):",
    ),
    ("Assureur de l'organisation", "The organisation's insurer"),
    (
        "Au moins 12 caractères ; le plus simple est une phrase de passe de quatre mots pris au hasard.",
        "At least 12 characters; the simplest is a passphrase of four words picked at random.",
    ),
    ("Aucun constat ouvert.", "No open finding."),
    (
        "Aucun contact enregistré pour l'instant.",
        "No contact recorded yet.",
    ),
    ("Aucun incident déclaré.", "No incident reported."),
    (
        "Aucun incident en cours. Si vous constatez un problème (messages disparus, contacts modifiés, écran qui demande d'appeler un numéro…),",
        "No open incident. If you notice a problem (missing messages, changed contacts, a screen asking you to call a number…),",
    ),
    (
        "Aucune boîte aux lettres n'est encore suivie. Ajoutez celle de la mairie : Vigie vérifie qu'aucune règle ne transfère ou ne cache vos messages, que la connexion est chiffrée, et ce qu'un pirate trouverait dans les messages (RIB, pièces d'identité, actes…).",
        "No mailbox is monitored yet. Add the town hall's: Vigie checks that no rule forwards or hides your messages, that the connection is encrypted, and what an attacker would find in the messages (bank details, ID documents, deeds…).",
    ),
    (
        "Aucune boîte n'est encore suivie.",
        "No mailbox is monitored yet.",
    ),
    ("Aucune clé d'accès enregistrée.", "No passkey registered."),
    (
        "Aucune preuve pour l'instant. Gardez tout : captures d'écran de tout l'écran avec l'heure visible, enregistrements d'appels, historique du navigateur, journal d'appels, messages suspects (.eml).",
        "No evidence yet. Keep everything: screenshots of the whole screen with the time visible, call recordings, browser history, call log, suspicious messages (.eml).",
    ),
    (
        "Autorité de certification privée (PEM, facultatif)",
        "Private certificate authority (PEM, optional)",
    ),
    ("Avancement du contrôle", "Progress of the check"),
    ("Banque ou Trésorerie", "Bank or Treasury (Trésorerie)"),
    (
        "Bienvenue. Créez votre organisation (la commune, l'association…) et son premier administrateur. Juste après, vous activerez la",
        "Welcome. Create your organisation (the commune, the association…) and its first administrator. Right after, you will enable",
    ),
    ("Boîte", "Mailbox"),
    ("Boîtes aux lettres suivies", "Monitored mailboxes"),
    (
        "Ce code a déjà servi. Attendez que l'application en affiche un nouveau (toutes les 30 secondes) et saisissez-le.",
        "This code has already been used. Wait for the app to show a new one (every 30 seconds) and enter it.",
    ),
    (
        "Ce lien d'installation n'est pas le bon.",
        "This setup link is not the right one.",
    ),
    (
        "Ce lien d'invitation n'est plus valable : il a déjà servi, il a été annulé ou il date de plus de sept jours. Demandez une nouvelle invitation à l'administrateur de votre organisation.",
        "This invitation link is no longer valid: it has already been used, it was cancelled or it is more than seven days old. Ask your organisation's administrator for a new invitation.",
    ),
    (
        "Ce mot de passe est trop long (1024 caractères au plus).",
        "This password is too long (1024 characters at most).",
    ),
    (
        "Ce nom est trop long (200 caractères au plus).",
        "This name is too long (200 characters at most).",
    ),
    (
        "Ce numéro de téléphone n'est pas valide (chiffres, espaces, + . - ( ) seulement).",
        "This phone number is not valid (digits, spaces, + . - ( ) only).",
    ),
    (
        "Ce qu'il faut conserver pour ce type d'incident",
        "What to keep for this kind of incident",
    ),
    ("Ce que montrent ces fichiers", "What these files show"),
    ("Ce que vous avez constaté", "What you noticed"),
    (
        "Ce qui n'a pas pu être vérifié",
        "What could not be checked",
    ),
    ("Ce qui se passe", "What is happening"),
    (
        "Ces personnes de son équipe consultent l'état de l'organisation, ses constats et ses incidents, avec le rôle de prestataire ; chacune de leurs consultations est écrite dans le journal de sécurité.",
        "These members of its team see the organisation's state, findings and incidents, with the IT provider role; each of their visits is written in the security log.",
    ),
    (
        "Cette adresse électronique n'est pas valide (attendu : nom@domaine.fr).",
        "This e-mail address is not valid (expected: name@domain.fr).",
    ),
    (
        "Cette boîte (même identifiant, même serveur) est déjà suivie.",
        "This mailbox (same login, same server) is already monitored.",
    ),
    (
        "Cette boîte n'a pas encore été contrôlée.",
        "This mailbox has not been checked yet.",
    ),
    (
        "Cette date est dans le futur : indiquez quand le problème a été constaté.",
        "This date is in the future: enter when the problem was noticed.",
    ),
    (
        "Cette fiche réflexes n'existe qu'en français : ses étapes restent en français.",
        "This reflex sheet exists only in French: its steps stay in French.",
    ),
    (
        "Cette page se met à jour toute seule.",
        "This page updates by itself.",
    ),
    (
        "Cette personne est déjà membre de l'organisation.",
        "This person is already a member of the organisation.",
    ),
    ("Changer", "Change"),
    ("Changer de langue", "Change language"),
    ("Chiffrement de la connexion", "Connection encryption"),
    (
        "Choisissez ce qui se passe dans la liste.",
        "Choose what is happening from the list.",
    ),
    (
        "Choisissez le chiffrement dans la liste.",
        "Choose the encryption from the list.",
    ),
    (
        "Choisissez le genre de votre organisation.",
        "Choose what kind of organisation yours is.",
    ),
    (
        "Choisissez le rôle de ce contact dans la liste.",
        "Choose this contact's role from the list.",
    ),
    (
        "Choisissez un rôle dans la liste.",
        "Choose a role from the list.",
    ),
    (
        "Choisissez une phrase de passe d'au moins quatre mots pris au hasard (sur le modèle de « tulipe-canapé-orbite-mardi », mais avec vos propres mots), ou un mot de passe généré, que vous n'utilisez nulle part ailleurs.",
        "Choose a passphrase of at least four words picked at random (like \"tulipe-canapé-orbite-mardi\", but with your own words), or a generated password, that you use nowhere else.",
    ),
    ("Clé USB du secrétariat", "Front office's USB key"),
    ("Clé d'accès", "Passkey"),
    ("Clés d'accès", "Passkeys"),
    ("Code", "Code"),
    (
        "Code actuel de votre application (pour confirmer)",
        "Current code from your app (to confirm)",
    ),
    ("Code affiché par l'application", "Code shown by the app"),
    ("Code de vérification", "Verification code"),
    (
        "Code incorrect ou déjà utilisé : saisissez le code affiché maintenant.",
        "Wrong or already used code: enter the code shown now.",
    ),
    (
        "Code incorrect. Vérifiez que l'heure de votre téléphone est juste, puis saisissez le code affiché maintenant.",
        "Wrong code. Check that your phone's clock is right, then enter the code shown now.",
    ),
    ("Codes de secours", "Recovery codes"),
    (
        "Codes de secours encore utilisables :",
        "Recovery codes still usable:",
    ),
    (
        "Collez un certificat au format PEM (il commence par « -----BEGIN CERTIFICATE----- »), ou laissez vide.",
        "Paste a certificate in PEM format (it starts with \"-----BEGIN CERTIFICATE-----\"), or leave empty.",
    ),
    (
        "Communes qui ont mis fin au suivi",
        "Councils that ended your support",
    ),
    ("Communes suivies", "Councils you support"),
    (
        "Connectez-vous d'abord avec {adresse} (mot de passe et code), puis rouvrez ce lien pour confirmer.",
        "First sign in with {adresse} (password and code), then open this link again to confirm.",
    ),
    ("Connexion", "Sign in"),
    ("Constats", "Findings"),
    ("Constats ouverts", "Open findings"),
    ("Constats ouverts :", "Open findings:"),
    (
        "Constats ouverts, jour après jour",
        "Open findings, day by day",
    ),
    (
        "Constats ouverts, jour après jour : {jours}",
        "Open findings, day by day: {jours}",
    ),
    (
        "Constaté le (date et heure, heure de Paris)",
        "Noticed on (date and time, Paris time)",
    ),
    ("Contacts", "Contacts"),
    (
        "Contacts nationaux et régionaux",
        "National and regional contacts",
    ),
    ("Contacts vérifiés", "Checked contacts"),
    ("Continuer", "Continue"),
    ("Contrôle en cours", "Check in progress"),
    (
        "Contrôle incomplet : les constats portent sur ce qui a pu être lu.",
        "Incomplete check: the findings cover what could be read.",
    ),
    ("Courriel", "E-mail"),
    ("Courriel : {adresse}", "E-mail: {adresse}"),
    (
        "Créer dix nouveaux codes de secours",
        "Create ten new recovery codes",
    ),
    (
        "Créer l'organisation et continuer",
        "Create the organisation and continue",
    ),
    ("Créer le lien d'invitation", "Create the invitation link"),
    (
        "Créer mon compte et continuer",
        "Create my account and continue",
    ),
    (
        "Dans Vigie, chaque compte est protégé par un second facteur : même si votre mot de passe était volé, personne ne pourrait entrer sans votre téléphone.",
        "In Vigie, every account is protected by a second factor: even if your password were stolen, nobody could get in without your phone.",
    ),
    (
        "Dans l'application, choisissez « ajouter un compte » puis scannez ce code :",
        "In the app, choose \"add an account\", then scan this code:",
    ),
    ("Demande incorrecte", "Bad request"),
    ("Demandé le", "Requested on"),
    (
        "Demandé par {nom} le {date}.",
        "Requested by {nom} on {date}.",
    ),
    ("Depuis", "Since"),
    ("Dernier contrôle", "Last check"),
    ("Dernière activité", "Last activity"),
    (
        "Des données personnelles ont pu être lues, modifiées ou détruites (courriels, fichiers d'habitants, RIB…)",
        "Personal data may have been read, changed or destroyed (e-mails, residents' files, bank details…)",
    ),
    (
        "Des données personnelles sont concernées.",
        "Personal data is involved.",
    ),
    ("Description", "Description"),
    (
        "Documents à remplir et envoyer",
        "Documents to fill in and send",
    ),
    (
        "Donnez un nom à cette boîte (par exemple « Mairie — secrétariat »), 100 caractères au plus.",
        "Give this mailbox a name (for example \"Town hall — front office\"), 100 characters at most.",
    ),
    (
        "Donnez un titre de quelques mots (par exemple « Messages disparus de la boîte de la mairie »).",
        "Give a title of a few words (for example \"Messages missing from the town hall mailbox\").",
    ),
    ("Dossier de plainte", "Police complaint file"),
    ("Double authentification", "Two-factor authentication"),
    (
        "Durée de conservation des messages (années)",
        "How long messages are kept (years)",
    ),
    ("Déclaration de sinistre", "Insurance claim"),
    ("Déclarer l'incident", "Report the incident"),
    ("Déclarer un incident", "Report an incident"),
    ("Déclaré le", "Reported on"),
    ("Délais", "Deadlines"),
    (
        "Délégué à la protection des données (DPO)",
        "Data protection officer (DPO)",
    ),
    (
        "Elle figure sur chaque document : elle prouve plus tard que rien n'a été modifié.",
        "It is printed on every document: later, it proves that nothing was changed.",
    ),
    ("Empreinte SHA-256", "SHA-256 fingerprint"),
    ("Empreinte du journal :", "Journal fingerprint:"),
    ("En attente", "Queued"),
    (
        "En attente d'un emplacement libre",
        "Waiting for a free slot",
    ),
    ("En cas d'urgence cyber :", "In a cyber emergency:"),
    ("En cours", "Running"),
    ("Enregistrer le contact", "Save the contact"),
    (
        "Envoyez-lui ce lien (par exemple par courriel ou par SMS) ; il ne sera plus affiché. Il fonctionne une seule fois, pendant sept jours.",
        "Send them this link (for example by e-mail or text message); it will not be shown again. It works once, for seven days.",
    ),
    ("Erreur", "Error"),
    ("Fait par {nom}", "Done by {nom}"),
    ("Fiche réflexes cyberattaque", "Cyberattack reflex sheet"),
    ("Fichier", "File"),
    ("Fichier trop volumineux", "File too large"),
    (
        "Fichiers (jusqu'à {taille} Mio en tout)",
        "Files (up to {taille} MiB in total)",
    ),
    ("Gravité {gravite}", "Severity: {gravite}"),
    ("Historique des contrôles", "Check history"),
    ("Identifiant de connexion", "Login"),
    ("Identité", "Identity"),
    (
        "Il manque le jeton d'installation dans l'adresse.",
        "The setup token is missing from the address.",
    ),
    ("Incident altéré", "Incident tampered with"),
    ("Incident {reference}", "Incident {reference}"),
    ("Incidents", "Incidents"),
    ("Incidents en cours", "Open incidents"),
    (
        "Indiquez au moins un numéro de téléphone ou une adresse électronique.",
        "Enter at least a phone number or an e-mail address.",
    ),
    (
        "Indiquez l'identifiant de connexion, le plus souvent l'adresse électronique.",
        "Enter the login, most often the e-mail address.",
    ),
    (
        "Indiquez la date et l'heure où le problème a été constaté (jour/mois/année heure:minute).",
        "Enter the date and time the problem was noticed (day/month/year hour:minute).",
    ),
    (
        "Indiquez le mot de passe (ou mot de passe d'application) de la boîte.",
        "Enter the mailbox's password (or app password).",
    ),
    (
        "Indiquez le nom de la commune (200 caractères au plus).",
        "Enter the council's name (200 characters at most).",
    ),
    (
        "Indiquez le nom de la personne ou de l'entreprise (200 caractères au plus).",
        "Enter the name of the person or company (200 characters at most).",
    ),
    (
        "Indiquez le nom de votre organisation.",
        "Enter your organisation's name.",
    ),
    (
        "Indiquez le serveur IMAP (par exemple imap.orange.fr ; votre prestataire le connaît).",
        "Enter the IMAP server (for example imap.orange.fr; your IT provider knows it).",
    ),
    (
        "Indiquez les prénom et nom de la personne (200 caractères au plus).",
        "Enter the person's first and last name (200 characters at most).",
    ),
    (
        "Indiquez vos prénom et nom (200 caractères au plus).",
        "Enter your first and last name (200 characters at most).",
    ),
    (
        "Indiquez vos prénom et nom.",
        "Enter your first and last name.",
    ),
    (
        "Information des personnes concernées",
        "Notice to the people affected",
    ),
    ("Installation", "Setup"),
    ("Installation de Vigie", "Setting up Vigie"),
    (
        "Installez sur votre téléphone une application d'authentification (par exemple FreeOTP, Aegis, Google Authenticator ou Microsoft Authenticator).",
        "Install an authenticator app on your phone (for example FreeOTP, Aegis, Google Authenticator or Microsoft Authenticator).",
    ),
    ("Invitation", "Invitation"),
    (
        "Invitation créée pour {nom}.",
        "Invitation created for {nom}.",
    ),
    ("Invitations en attente", "Pending invitations"),
    ("Inviter une personne", "Invite someone"),
    (
        "J'ai mis mes codes à l'abri, continuer",
        "I have put my codes somewhere safe, continue",
    ),
    ("Journal", "Journal"),
    ("Journal de sécurité", "Security log"),
    ("L'adresse", "The address"),
    (
        "L'ajout d'une clé d'accès demande JavaScript.",
        "Adding a passkey requires JavaScript.",
    ),
    (
        "L'incident n'a pas été enregistré :",
        "The incident was not saved:",
    ),
    (
        "L'invitation n'a pas été créée :",
        "The invitation was not created:",
    ),
    (
        "L'état de chaque organisation dont vous êtes membre. Choisissez-en une dans le bandeau pour y travailler. Pour un prestataire, chaque consultation est écrite dans le journal de sécurité de la commune.",
        "The state of each organisation you are a member of. Choose one in the top bar to work in it. For an IT provider, each visit is written in the commune's security log.",
    ),
    (
        "La boîte n'a pas été ajoutée :",
        "The mailbox was not added:",
    ),
    (
        "La commune n'a pas été ajoutée :",
        "The council was not added:",
    ),
    (
        "La double authentification est activée.",
        "Two-factor authentication is enabled.",
    ),
    (
        "La durée de conservation est un nombre d'années entre 1 et 50 (2 par défaut).",
        "The retention period is a number of years between 1 and 50 (2 by default).",
    ),
    ("Lancer un contrôle maintenant", "Run a check now"),
    ("Langue de l'interface", "Interface language"),
    (
        "Le contact n'a pas été enregistré :",
        "The contact was not saved:",
    ),
    ("Le dernier contrôle a échoué", "The last check failed"),
    (
        "Le formulaire n'a pas été enregistré :",
        "The form was not saved:",
    ),
    (
        "Le jour d'une attaque, il faut savoir",
        "On the day of an attack, you need to know",
    ),
    (
        "Le même mot de passe, une seconde fois",
        "The same password again",
    ),
    (
        "Le plus souvent l'adresse électronique elle-même.",
        "Most often the e-mail address itself.",
    ),
    (
        "Le port des filtres est un nombre entre 1 et 65535 (laissez vide : 4190).",
        "The filter port is a number between 1 and 65535 (leave empty: 4190).",
    ),
    (
        "Le port est un nombre entre 1 et 65535 (laissez vide pour la valeur habituelle : 993).",
        "The port is a number between 1 and 65535 (leave empty for the usual one: 993).",
    ),
    (
        "Les connexions, les échecs de connexion, les changements de double authentification et les exports de votre organisation. Une ligne inattendue (connexion à une heure inhabituelle, depuis une adresse inconnue) mérite une vérification : changez le mot de passe du compte concerné et déconnectez-le de tous ses appareils.",
        "Your organisation's sign-ins, failed sign-ins, two-factor changes and exports. An unexpected line (a sign-in at an unusual hour, from an unknown address) deserves a check: change the password of the account concerned and sign it out of all its devices.",
    ),
    (
        "Les constats et remarques sans traduction anglaise sont rédigés en français.",
        "Findings and notes with no English translation are written in French.",
    ),
    (
        "Les contacts de l'organisation",
        "The organisation's contacts",
    ),
    (
        "Les deux mots de passe sont différents : saisissez-les à nouveau.",
        "The two passwords are different: enter them again.",
    ),
    (
        "Les documents à envoyer sont rédigés en français : ils s'adressent aux autorités françaises.",
        "The documents to send are written in French: they are addressed to the French authorities.",
    ),
    (
        "Les messages plus anciens sont signalés : un pirate n'a pas à trouver des années d'archives dans la boîte.",
        "Older messages are reported: an attacker should not find years of archives in the mailbox.",
    ),
    (
        "Les personnes qui utilisent Vigie pour l'organisation. Chacune a son propre compte, protégé par la double authentification : ne partagez jamais un compte.",
        "The people who use Vigie for the organisation. Each has their own account, protected by two-factor authentication: never share an account.",
    ),
    (
        "Les événements sont enregistrés en français, tels qu'ils ont été écrits au moment où ils se sont produits.",
        "Events are recorded in French, as they were written when they happened.",
    ),
    (
        "Maire (ou directeur) et adjoint chargé du numérique : téléphones portables, pour décider et signer la plainte et les déclarations.",
        "Mayor (or director) and the deputy in charge of digital matters: mobile phones, to decide and sign the complaint and the declarations.",
    ),
    ("Maire ou direction", "Mayor or management"),
    ("Mairie — secrétariat", "Town hall — front office"),
    ("Marquer comme fait", "Mark as done"),
    ("Membres", "Members"),
    ("Membres actuels", "Current members"),
    ("Menu principal", "Main menu"),
    ("Messagerie", "Mail"),
    ("Mettre fin au suivi", "End the support"),
    (
        "Mettre fin au suivi par {prestataire} : son équipe n'aura plus accès à l'organisation. Seul le prestataire pourra ensuite proposer un nouveau suivi.",
        "End the support by {prestataire}: its team will no longer have access to the organisation. Only the provider can offer new support afterwards.",
    ),
    ("Mon compte", "My account"),
    ("Mot de passe", "Password"),
    ("Navigateur", "Browser"),
    ("Ne plus suivre cette boîte", "Stop monitoring this mailbox"),
    ("Nom", "Name"),
    ("Nom (personne ou entreprise)", "Name (person or company)"),
    (
        "Nom de l'agence ou de la Trésorerie, numéro direct du conseiller, numéro pour faire opposition ou bloquer un virement.",
        "Name of the branch or Trésorerie, the adviser's direct line, number to stop a card or block a transfer.",
    ),
    (
        "Nom de l'assureur, numéro de contrat (police), numéro pour déclarer un sinistre, garanties couvrant les risques numériques.",
        "Insurer's name, policy number, number to report a claim, cover for cyber risks.",
    ),
    (
        "Nom de l'entreprise ou de la personne, numéro joignable en urgence, adresse de courriel, horaires.",
        "Name of the company or person, emergency phone number, e-mail address, opening hours.",
    ),
    ("Nom de l'organisation", "Name of the organisation"),
    ("Nom de la boîte", "Mailbox name"),
    (
        "Nom de la clé (pour la reconnaître)",
        "Name of the key (to recognise it)",
    ),
    ("Nom de la commune", "Council name"),
    (
        "Nom du délégué à la protection des données (souvent mutualisé : centre de gestion, syndicat informatique), téléphone, courriel.",
        "Name of the data protection officer (often shared: centre de gestion, IT syndicate), phone, e-mail.",
    ),
    ("Note (facultatif)", "Note (optional)"),
    (
        "Notes (horaires, numéro de sinistre…)",
        "Notes (opening hours, claim number…)",
    ),
    ("Notez d'abord", "First write down"),
    (
        "Notification de violation de données à la CNIL",
        "Data breach notification to the CNIL",
    ),
    ("Numéro", "Number"),
    ("N° de contrat (assureur)", "Policy number (insurer)"),
    ("N° de contrat : {numero}", "Policy number: {numero}"),
    ("Organisation", "Organisation"),
    ("Organisations", "Organisations"),
    (
        "Ou, si vous avez enregistré une clé d'accès (clé USB de sécurité, empreinte, visage) :",
        "Or, if you have registered a passkey (USB security key, fingerprint, face):",
    ),
    (
        "Ouvrez l'application d'authentification de votre téléphone et saisissez le code à six chiffres affiché pour",
        "Open the authenticator app on your phone and enter the six-digit code shown for",
    ),
    (
        "Ouvrir le rapport détaillé des données exposées",
        "Open the detailed report of exposed data",
    ),
    ("Page introuvable", "Page not found"),
    ("Par", "By"),
    (
        "Par exemple : Mairie de Saint-Exemple.",
        "For example: Mairie de Saint-Exemple.",
    ),
    (
        "Par exemple imap.orange.fr, ssl0.ovh.net ; votre prestataire ou l'aide de votre messagerie l'indique.",
        "For example imap.orange.fr, ssl0.ovh.net; your IT provider or your mail provider's help pages give it.",
    ),
    (
        "Pensez à en créer de nouveaux.",
        "Consider creating new ones.",
    ),
    (
        "Port IMAP (vide : valeur habituelle)",
        "IMAP port (empty: the usual one)",
    ),
    (
        "Port des filtres ManageSieve (vide : 4190)",
        "ManageSieve filter port (empty: 4190)",
    ),
    ("Pour information", "For information"),
    (
        "Pour protéger un serveur tout neuf, la page d'installation ne s'ouvre qu'avec le lien complet affiché dans la fenêtre où Vigie a été lancé (il se termine par",
        "To protect a brand-new server, the setup page only opens with the full link shown in the window where Vigie was started (it ends with",
    ),
    ("Pourquoi :", "Why:"),
    ("Premier administrateur", "First administrator"),
    ("Premiers gestes", "First things to do"),
    ("Prestataire informatique", "IT provider"),
    (
        "Prestataire ou référent informatique",
        "IT provider or IT contact person",
    ),
    ("Preuves", "Evidence"),
    ("Prénom et nom", "First and last name"),
    (
        "Prénom et nom de son administrateur",
        "Its administrator's first and last name",
    ),
    (
        "QR code d'activation de la double authentification",
        "QR code to enable two-factor authentication",
    ),
    ("Quand", "When"),
    ("Que faire :", "What to do:"),
    ("Qui", "Who"),
    ("Registre des violations de données", "Data breach register"),
    ("Rejoindre {organisation}", "Join {organisation}"),
    ("Retirer", "Remove"),
    ("Retirer (vous-même)", "Remove (yourself)"),
    ("Rien d'urgent.", "Nothing urgent."),
    ("Rien à signaler.", "Nothing to report."),
    ("Réglages avancés", "Advanced settings"),
    (
        "Résultat du contrôle du {date}",
        "Result of the check of {date}",
    ),
    ("Rôle", "Role"),
    ("Rôle de {nom}", "Role of {nom}"),
    (
        "SSL/TLS (port 993, le plus courant)",
        "SSL/TLS (port 993, the most common)",
    ),
    (
        "Saisissez ci-dessous le code à six chiffres que l'application affiche.",
        "Enter below the six-digit code that the app shows.",
    ),
    ("Se connecter", "Sign in"),
    ("Se déconnecter", "Sign out"),
    (
        "Se déconnecter de tous les appareils",
        "Sign out of all devices",
    ),
    ("Serveur IMAP", "IMAP server"),
    (
        "Seulement si votre serveur utilise un certificat délivré par votre propre autorité.",
        "Only if your server uses a certificate issued by your own authority.",
    ),
    (
        "Si vous ne pouvez pas scanner, saisissez cette clé à la main :",
        "If you cannot scan it, type this key by hand:",
    ),
    (
        "Si vous perdez votre téléphone, chacun de ces codes permet",
        "If you lose your phone, each of these codes allows",
    ),
    (
        "Supprime de Vigie le mot de passe enregistré et les résultats ; la boîte elle-même n'est pas touchée.",
        "Deletes the saved password and the results from Vigie; the mailbox itself is not touched.",
    ),
    ("Supprimer", "Delete"),
    ("Tableau de bord", "Dashboard"),
    ("Taille", "Size"),
    ("Terminé", "Done"),
    ("Titre", "Title"),
    ("Titre (quelques mots)", "Title (a few words)"),
    ("Trop de tentatives", "Too many attempts"),
    (
        "Télécharger le dossier complet (ZIP)",
        "Download the complete file (ZIP)",
    ),
    (
        "Téléphone (joignable en urgence)",
        "Phone (reachable in an emergency)",
    ),
    ("Téléphone : {numero}", "Phone: {numero}"),
    (
        "Une clé d'accès (clé USB de sécurité, empreinte ou visage sur votre ordinateur ou votre téléphone) remplace le code à six chiffres à la connexion, et ne peut pas être recopiée par un faux site. Le code de l'application et les codes de secours restent utilisables.",
        "A passkey (USB security key, fingerprint or face on your computer or phone) replaces the six-digit code when you sign in, and cannot be copied by a fake website. The app code and the recovery codes still work.",
    ),
    ("Utiliser une clé d'accès", "Use a passkey"),
    (
        "Vigie contrôle les boîtes aux lettres de l'organisation : les réglages qui peuvent faire fuir ou disparaître des messages (transferts, filtres, réponses automatiques), la sécurité de la connexion et du mot de passe, et ce qu'un pirate trouverait dans les messages (RIB, pièces d'identité, actes, signatures…).",
        "Vigie checks the organisation's mailboxes: the settings that can leak or hide messages (forwarding, filters, automatic replies), the security of the connection and of the password, and what an attacker would find in the messages (bank details, ID documents, deeds, signatures…).",
    ),
    (
        "Vigie crée l'organisation de la commune et un lien d'invitation pour son administrateur, qui choisira son mot de passe et sa double authentification. Votre équipe (administrateurs et agents) y travaille ensuite avec le rôle de prestataire ; la commune voit chacune de vos consultations et peut mettre fin au suivi.",
        "Vigie creates the council's organisation and an invitation link for its administrator, who will choose a password and set up two-factor sign-in. Your team (administrators and agents) then works there with the IT provider role; the council sees each of your visits and can end your support.",
    ),
    (
        "Vigie demande toujours un second facteur (code à six chiffres de votre application, ou code de secours) après le mot de passe.",
        "Vigie always asks for a second factor (six-digit code from your app, or a recovery code) after the password.",
    ),
    (
        "Vigie n'est pas encore installé sur ce serveur.",
        "Vigie is not set up on this server yet.",
    ),
    (
        "Vigie se connecte à la boîte",
        "Vigie connects to the mailbox",
    ),
    (
        "Vigie — logiciel libre (AGPL-3.0-or-later).",
        "Vigie — free software (AGPL-3.0-or-later).",
    ),
    (
        "Voir les boîtes et leurs constats",
        "See the mailboxes and their findings",
    ),
    ("Vos codes de secours", "Your recovery codes"),
    (
        "Vos nouveaux codes de secours sont prêts ; les anciens ne valent plus.",
        "Your new recovery codes are ready; the old ones no longer work.",
    ),
    ("Vos prénom et nom", "Your first and last name"),
    (
        "Votre compte n'a pas été créé :",
        "Your account was not created:",
    ),
    ("Votre identifiant sera", "Your login will be"),
    ("Votre organisation", "Your organisation"),
    ("Votre prestataire informatique", "Your IT provider"),
    ("Votre rôle", "Your role"),
    ("Vous installez Vigie pour", "You are setting up Vigie for"),
    (
        "Vous suivez déjà une organisation de ce nom.",
        "You already support an organisation with this name.",
    ),
    (
        "Vous êtes connecté(e) avec un autre compte ({compte}). Déconnectez-vous, connectez-vous avec {adresse}, puis rouvrez ce lien.",
        "You are signed in with another account ({compte}). Sign out, sign in with {adresse}, then open this link again.",
    ),
    ("Vue d'ensemble", "Overview"),
    (
        "Vue d'ensemble de vos organisations",
        "Overview of your organisations",
    ),
    (
        "Vérifiez l'identifiant, le mot de passe et le serveur ; au besoin supprimez la boîte et ajoutez-la de nouveau.",
        "Check the login, the password and the server; if needed, delete the mailbox and add it again.",
    ),
    ("Vérifié aujourd'hui", "Checked today"),
    (
        "a déjà un compte Vigie : vous rejoignez cette organisation avec ce compte, sans en créer un autre.",
        "already has a Vigie account: you join this organisation with that account, without creating another one.",
    ),
    ("activée", "enabled"),
    (
        "ajoutée le {date}, dernière utilisation : {derniere}",
        "added on {date}, last used: {derniere}",
    ),
    (
        "aucun fichier choisi : cliquez sur « Parcourir » et choisissez les fichiers à ajouter",
        "no file chosen: click \"Browse\" and choose the files to add",
    ),
    ("aucune boîte suivie", "no mailbox monitored"),
    (
        "aucune clé d'accès n'est enregistrée pour ce compte : saisissez le code de l'application",
        "no passkey is registered for this account: enter the code from the app",
    ),
    (
        "ce compte n'a pas encore de double authentification : connectez-vous une première fois avec le navigateur pour l'activer",
        "this account has no two-factor authentication yet: sign in once with the browser to enable it",
    ),
    (
        "ce lien d'invitation n'est plus valable, ou il a été envoyé à une autre adresse que celle de votre compte",
        "this invitation link is no longer valid, or it was sent to an address other than your account's",
    ),
    (
        "ce mot de passe est l'exemple donné par Vigie : tout le monde peut le lire. {conseil}",
        "this password is the example Vigie gives: anyone can read it. {conseil}",
    ),
    (
        "cette clé d'accès est déjà enregistrée",
        "this passkey is already registered",
    ),
    (
        "cette page est réservée aux administrateurs de l'organisation",
        "this page is for the organisation's administrators only",
    ),
    ("clos", "closed"),
    (
        "cochez la case pour confirmer la fin du suivi par le prestataire",
        "tick the box to confirm the end of the provider's support",
    ),
    ("connexion requise", "sign-in required"),
    (
        "connexion. Imprimez-les ou recopiez-les, et rangez-les à l'abri (pas dans votre messagerie). Ils ne seront plus jamais affichés.",
        "sign-in. Print them or copy them out, and keep them somewhere safe (not in your mailbox). They will never be shown again.",
    ),
    ("constats", "findings"),
    (
        "constaté le {date}, déclaré par {nom}.",
        "noticed on {date}, reported by {nom}.",
    ),
    (
        "consulte l'état de l'organisation et les incidents, sans rien modifier.",
        "views the organisation's state and the incidents, without changing anything.",
    ),
    ("contrôle en cours…", "check in progress…"),
    ("critique", "critical"),
    (
        "critique — à traiter aujourd'hui",
        "critical — deal with it today",
    ),
    (
        "critiques — à traiter aujourd'hui",
        "critical — deal with them today",
    ),
    (
        "dans les meilleurs délais (pas d'heure limite fixe)",
        "as soon as possible (no fixed time limit)",
    ),
    ("de gravité moyenne", "medium severity"),
    (
        "de gravité élevée — cette semaine",
        "high severity — this week",
    ),
    (
        "dernier contrôle : pas encore fait.",
        "last check: not done yet.",
    ),
    ("dernier contrôle : {date}.", "last check: {date}."),
    (
        "dont {n} avec un délai dépassé",
        "of which {n} past a deadline",
    ),
    ("double authentification", "two-factor authentication"),
    (
        "double authentification pas encore activée",
        "two-factor authentication not enabled yet",
    ),
    ("déclarez un incident", "report an incident"),
    ("en lecture seule", "read-only"),
    (
        "et affichez-la près des postes.",
        "and pin it up near the computers.",
    ),
    ("faible", "low"),
    ("faible ou pour information", "low or for information"),
    ("faibles ou pour information", "low or for information"),
    ("fait", "done"),
    ("fiche réflexes", "reflex sheet"),
    (
        "filtres lus sur le port {port} ;",
        "filters read on port {port};",
    ),
    (
        "gère les membres et voit le journal de sécurité, en plus de tout le reste.",
        "manages the members and sees the security log, on top of everything else.",
    ),
    (
        "il ne fait que {n} caractère (12 au moins)",
        "it is only {n} character long (12 at least)",
    ),
    (
        "il ne fait que {n} caractères (12 au moins)",
        "it is only {n} characters long (12 at least)",
    ),
    (
        "il ressemble à des mots de passe courants ou aux noms de votre organisation",
        "it looks like common passwords or your organisation's names",
    ),
    ("information", "informational"),
    (
        "intervient pour vous ; chacune de ses consultations est écrite dans le journal de sécurité.",
        "works on your behalf; each of their visits is written in the security log.",
    ),
    ("jamais", "never"),
    ("jamais vérifié", "never checked"),
    (
        "jeton d'installation absent ou incorrect : utilisez le lien affiché par le serveur",
        "setup token missing or wrong: use the link shown by the server",
    ),
    (
        "la clé d'accès n'a pas été acceptée (mauvaise clé, délai dépassé ou opération annulée) : recommencez",
        "the passkey was not accepted (wrong key, time out or cancelled): start again",
    ),
    (
        "la demande a été refusée car elle ne vient pas d'une page de Vigie (jeton de sécurité absent ou périmé) — rechargez la page puis recommencez",
        "the request was refused because it does not come from a Vigie page (security token missing or expired) — reload the page and try again",
    ),
    (
        "la demande de clé d'accès a expiré ou ne vient pas de cette page : recommencez",
        "the passkey request has expired or does not come from this page: start again",
    ),
    (
        "la page d'activation a expiré : rechargez-la et recommencez",
        "the activation page has expired: reload it and start again",
    ),
    (
        "le fichier envoyé dépasse la taille autorisée ({limit} Mio)",
        "the file sent is larger than allowed ({limit} MiB)",
    ),
    ("le jour et l'heure", "the day and time"),
    (
        "le mot de passe est trop long (200 caractères au plus)",
        "the password is too long (200 characters at most)",
    ),
    (
        "les clés d'accès ne fonctionnent qu'avec une adresse qui a un nom (par exemple http://localhost:8080 ou https://vigie.mairie.fr), pas avec une adresse IP comme {origin} : ouvrez Vigie avec son nom",
        "passkeys only work with an address that has a name (for example http://localhost:8080 or https://vigie.mairie.fr), not with an IP address like {origin}: open Vigie by its name",
    ),
    (
        "messages de plus de {n} an signalés.",
        "messages older than {n} year are reported.",
    ),
    (
        "messages de plus de {n} ans signalés.",
        "messages older than {n} years are reported.",
    ),
    ("mot de passe d'application", "app password"),
    (
        "mot de passe trop faible : {raison}. {conseil}",
        "password too weak: {raison}. {conseil}",
    ),
    ("moyenne", "medium"),
    ("ou le", "or"),
    ("ouvert", "open"),
    (
        "où le problème a été constaté : les délais (72 heures pour la CNIL et pour la plainte, cinq jours ouvrés pour l'assureur) partent de ce moment.",
        "when the problem was noticed: the deadlines (72 hours for the CNIL and for the police complaint, five working days for the insurer) start from that moment.",
    ),
    ("page ou élément introuvable", "page or item not found"),
    (
        "qui appeler, dans quel ordre",
        "whom to call, and in what order",
    ),
    ("rien à signaler", "nothing to report"),
    ("réservé à Vigie.", "for Vigie only."),
    (
        "rôle inconnu : choisissez-en un dans la liste",
        "unknown role: choose one from the list",
    ),
    (
        "seul un prestataire informatique ajoute des communes qu'il accompagne",
        "only an IT provider adds the councils it looks after",
    ),
    (
        "suit les boîtes aux lettres, déclare et traite les incidents.",
        "monitors the mailboxes, reports and handles incidents.",
    ),
    ("sur 10.", "out of 10."),
    (
        "trop de tentatives de connexion : par sécurité, patientez {n} seconde avant de réessayer",
        "too many sign-in attempts: for security, wait {n} second before trying again",
    ),
    (
        "trop de tentatives de connexion : par sécurité, patientez {n} secondes avant de réessayer",
        "too many sign-in attempts: for security, wait {n} seconds before trying again",
    ),
    (
        "un prestataire informatique qui accompagne plusieurs communes : vous ajouterez ensuite chacune d'elles, avec son administrateur",
        "an IT provider that looks after several councils: you will then add each of them, with its administrator",
    ),
    ("une", "one"),
    (
        "une erreur interne est survenue ; l'opération n'a pas été enregistrée. Réessayez dans un instant, et si le problème continue, prévenez votre prestataire informatique.",
        "an internal error occurred; the operation was not saved. Try again in a moment, and if the problem persists, tell your IT provider.",
    ),
    (
        "votre commune, ou une petite organisation",
        "your council, or a small organisation",
    ),
    (
        "votre rôle (élu) permet de consulter, pas de modifier : demandez à un agent ou à un administrateur",
        "your role (elected official) lets you view, not change: ask a staff member or an administrator",
    ),
    (
        "vous ne faites plus partie de cette organisation : reconnectez-vous",
        "you are no longer a member of this organisation: sign in again",
    ),
    ("vérifié le {date}", "checked on {date}"),
    (
        "{commune} est ajoutée ; invitation créée pour {nom}.",
        "{commune} has been added; invitation created for {nom}.",
    ),
    (
        "{commune}, le {date} ({nom}).",
        "{commune}, on {date} ({nom}).",
    ),
    (
        "{document} (PDF, en français)",
        "{document} (PDF, in French)",
    ),
    (
        "{nom}, vous êtes invité(e) comme",
        "{nom}, you are invited as",
    ),
    ("{n} autre", "{n} other"),
    ("{n} autres", "{n} others"),
    ("{n} boîte suivie ;", "{n} mailbox monitored;"),
    ("{n} boîtes suivies ;", "{n} mailboxes monitored;"),
    (
        "{n} constat, du plus grave au moins grave :",
        "{n} finding, most serious first:",
    ),
    (
        "{n} constats, du plus grave au moins grave :",
        "{n} findings, most serious first:",
    ),
    ("{n} critique", "{n} critical"),
    ("{n} critiques", "{n} critical"),
    ("{n} en tout", "{n} in all"),
    ("{n} entrée", "{n} entry"),
    ("{n} entrées", "{n} entries"),
    ("{n} message analysé.", "{n} message analysed."),
    ("{n} message sur {total}", "{n} message out of {total}"),
    ("{n} messages analysés.", "{n} messages analysed."),
    ("{n} messages sur {total}", "{n} messages out of {total}"),
    ("{n} moyen", "{n} medium"),
    ("{n} moyens", "{n} medium"),
    ("{n} octet", "{n} byte"),
    ("{n} octets", "{n} bytes"),
    ("{n} élevé", "{n} high"),
    ("{n} élevés", "{n} high"),
    (
        "{prestataire} suit l'organisation depuis le {date} (accord de {nom}).",
        "{prestataire} has supported the organisation since {date} (agreed by {nom}).",
    ),
    (
        "{role}, lien valable jusqu'au {date}",
        "{role}, link valid until {date}",
    ),
    ("À compléter", "Still missing"),
    ("À faire", "To do"),
    (
        "À faire si vous avez perdu un appareil, ou si une connexion vous paraît suspecte.",
        "Do this if you have lost a device, or if a sign-in looks suspicious.",
    ),
    ("À prévoir", "Plan for it"),
    ("À surveiller", "Keep an eye on it"),
    ("À traiter aujourd'hui", "Deal with it today"),
    ("À traiter cette semaine", "Deal with it this week"),
    ("Échec", "Failed"),
    ("Élu", "Elected official"),
    ("Étapes", "Steps"),
    ("État", "Status"),
    ("État : {etat}.", "Status: {etat}."),
    ("Événement", "Event"),
    ("à vérifier", "to be checked"),
    (
        "échéance : {date} (heure de Paris), dépassé de {duree}",
        "due {date} (Paris time), OVERDUE by {duree}",
    ),
    (
        "échéance : {date} (heure de Paris), il reste {duree}",
        "due {date} (Paris time), {duree} left",
    ),
    ("élevée", "high"),
];

static INDEX: LazyLock<HashMap<&'static str, &'static str>> =
    LazyLock::new(|| ENTRIES.iter().copied().collect());

/// The English text of a French key.
pub(super) fn get(fr: &str) -> Option<&'static str> {
    INDEX.get(fr).copied()
}
