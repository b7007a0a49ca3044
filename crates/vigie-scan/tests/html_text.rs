//! `extract::html_to_text` must give, for every input, exactly the text of mail-parser's
//! `html_to_text`, which it replaces for speed: mail-parser's function is the oracle here, on
//! tricky hand-written HTML, on every short string over the bytes that matter, on generated
//! HTML-ish strings, and on every file of the repository's test data and fuzz corpora (and the
//! HTML parts of the messages among them).

use std::path::{Path, PathBuf};

use proptest::prelude::*;
use vigie_scan::extract::html_to_text;

fn oracle(html: &str) -> String {
    mail_parser::decoders::html::html_to_text(html)
}

#[track_caller]
fn check(html: &str) {
    let expected = oracle(html);
    let got = html_to_text(html);
    assert!(
        got == expected,
        "input {html:?}\n  mail-parser {expected:?}\n  ours        {got:?}"
    );
}

/// What mail-parser does with some quirky inputs, written out so that a reader sees the quirks
/// (and the oracle itself is pinned).
#[test]
fn known_outputs() {
    let cases = [
        ("<html>hello<br/>world<br/></html>", "hello\nworld\n"),
        ("<>< ><tag\n/>>hello    world< br \n />", ">hello world\n"),
        ("<br class=x>a<br/ >b<BR>c", "a\nb\nc"),
        ("<p>a</p><p>b</ p>< / P >c", "a\nb\n\nc"),
        ("<br> a<b>", "\n a"),
        ("<br> a b", "\na b"),
        ("<br>a<b> c", "\nac"),
        ("a <b>c", "a c"),
        ("AT&T et &amp;co;", "AT&T et &co;"),
        (
            "&#x41;&#+66;&#X43;&#xFFFFFFF;&#99999999999;&#;&#x;",
            "ABC\u{FFFD}&#99999999999;&#;&#x;",
        ),
        ("&nbsp;&hmmm &lt", "\u{a0}&hmmm &lt"),
        ("a<!-- x --->b-->c<!-->d", "acd"),
        ("a<!--->b", "a"),
        ("a</!-- x -->b< !---->c", "ab"),
        ("<style>p{}<br></style>x<script>a<b</script>y", "\nxy"),
        ("<head><title>t</title></head>body", "body"),
        ("<template>t</template  >u</templateX>v", "uv"),
        ("<b/r>x<br//>y", "x\ny"),
        ("<a href=\"x>y\">lien</a>", "y\">lien"),
        ("a<b<br>c", "a\nc"),
        (
            "un\u{a0}deux\ttrois\r\nquatre  cinq",
            "un\u{a0}deux trois quatre cinq",
        ),
        ("x;y &;z ;;", "x;y &;z ;;"),
    ];
    let wrong: Vec<_> = cases
        .iter()
        .filter(|(html, text)| oracle(html) != *text || html_to_text(html) != *text)
        .map(|(html, text)| {
            format!(
                "{html:?}: {text:?} expected, mail-parser {:?}, ours {:?}",
                oracle(html),
                html_to_text(html)
            )
        })
        .collect();
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn tricky_inputs() {
    let cases = [
        "",
        " ",
        "<",
        ">",
        "&",
        ";",
        "<!",
        "<!-",
        "<!--",
        "<!-->",
        "<!--->",
        "<!---->",
        "<!-- -- -->",
        "<![CDATA[ a < b ]]> c",
        "<!DOCTYPE html><html><head><meta charset=utf-8><title>T</title></head><body>B</body>",
        "<HEAD>h</HEAD >b</head>c<head/>d",
        "<style>a</style<br>b",
        "<script>if (a<b && c>d) { x = '</script>'; }</script>fin",
        "<p>Bonjour&nbsp;Madame,</p>\n<p>Votre IBAN&nbsp;: FR76&#160;3000&#x20;6000</p>",
        "caf&eacute; cr&egrave;me &Eacute;T&Eacute; &euro;&#8364;&#x20AC;",
        "&amp;&amp;&amp; & amp; &amp &;amp;",
        "a&b&c;d&#;e&#x;f",
        "   \n\t  leading and trailing   \n ",
        "<br>   <br>  x  <br>\n y",
        "word<br>\n  next",
        "x<p> y</p> z",
        "<p>\u{e9}t\u{e9}</p><p>\u{1F600} \u{20AC}</p>",
        "\u{e9}<\u{e9}>\u{e9}&\u{e9};\u{e9}",
        "<\u{e9}tiquette>a</\u{e9}tiquette>",
        "a<br\u{a0}>b",
        "<a\n href='x'\n>lien</a\n>",
        "<<<br>>>",
        "</>a</ >b< />c",
        "<br/><br /><br/ ><br / >x",
        "<!-- <style> -->a<style><!-- </style> -->b</style>c",
        "<script><!--\nx\n//--></script>d",
        "t\u{e8}xt\u{e9}\u{a0}\u{202f}\u{2019}",
        "1234567890123456789 12345678;90&12",
        "abcdefgh;ijklmnop&qrstuvwx<yz",
        "abcdefghijklmnopqrstuvwxyz0123456789,.:-_'\"()[]{}=+*/\\",
        "\t\t\t\t\t\t\t\t\t\tfin",
    ];
    for html in cases {
        check(html);
    }
}

/// Every string of up to five bytes over the bytes that drive the state machine.
#[test]
fn all_short_strings() {
    const ALPHABET: &[u8] = b"<>&;/!- \nbrp#x";
    let mut buf = Vec::new();
    fn walk(buf: &mut Vec<u8>, depth: usize) {
        check(std::str::from_utf8(buf).unwrap_or_default());
        if depth == 0 {
            return;
        }
        for &b in ALPHABET {
            buf.push(b);
            walk(buf, depth - 1);
            buf.pop();
        }
    }
    walk(&mut buf, 5);
}

/// Pieces of HTML, well and badly formed, assembled by the property tests.
fn fragment() -> impl Strategy<Value = String> {
    let names = prop::sample::select(vec![
        "br", "BR", "Br", "p", "P", "head", "HEAD", "style", "Style", "script", "template", "div",
        "a", "b", "span", "title", "meta", "html", "body", "!DOCTYPE", "!doctype", "br/", "b/r",
        "\u{e9}", "td",
    ]);
    let tag = (
        prop::sample::select(vec!["<", "</", "< /", "<\n", "< ", "</ "]),
        names,
        prop::sample::select(vec![
            "",
            " ",
            "/",
            " /",
            "/ ",
            " class=\"x\"",
            " href='a>b'",
            " style=\"color:red; font:1px\"",
            "\n  data-x=y /",
            " ! ",
            " a&amp;b",
        ]),
        prop::sample::select(vec![">", " >", "/>", "", "<"]),
    )
        .prop_map(|(open, name, attrs, close)| format!("{open}{name}{attrs}{close}"));
    let entity = (
        prop::sample::select(vec![
            "amp",
            "lt",
            "gt",
            "nbsp",
            "eacute",
            "Eacute",
            "euro",
            "quot",
            "apos",
            "hmmm",
            "",
            "#65",
            "#x41",
            "#X41",
            "#+65",
            "#-65",
            "#xFFFFFFF",
            "#99999999999",
            "#xD800",
            "#0",
            "#x",
            "#",
            "#x1F600",
            "#8364",
            "Abreve",
            "heartsuit",
            "CounterClockwiseContourIntegral",
            "AMP",
            "Amp",
            "amp&lt",
            "\u{e9}",
        ]),
        prop::sample::select(vec![";", "", " ", ";;"]),
    )
        .prop_map(|(name, end)| format!("&{name}{end}"));
    prop_oneof![
        4 => "[a-zA-Z0-9\u{e9}\u{e8}\u{e0}\u{20ac},.:'()-]{1,12}",
        3 => prop::sample::select(vec![" ", "  ", "\t", "\n", "\r\n", " \n ", "\u{a0}", "\u{c}"])
            .prop_map(str::to_owned),
        4 => tag,
        3 => entity,
        2 => prop::sample::select(vec![
            "<!--", "-->", "--->", "<!-->", "-", "--", "<!---->", "< !--", "</!--", "<!-",
            "<![CDATA[", "]]>", "<?xml version=\"1.0\"?>", "<", ">", "&", ";", "/", "!", "=",
            "\"", "'", "<style>", "</style>", "<script>", "</script>", "<head>", "</head>",
            "<template>", "</template>", "<br>", "</p>", "<p>", "\u{1F600}", "\u{feff}",
        ])
        .prop_map(str::to_owned),
        1 => "\\PC{0,6}",
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(4096))]

    #[test]
    fn same_as_mail_parser_on_html_ish(parts in prop::collection::vec(fragment(), 0..80)) {
        let html = parts.concat();
        prop_assert_eq!(html_to_text(&html), oracle(&html), "input {:?}", html);
    }

    #[test]
    fn same_as_mail_parser_on_dense_bytes(html in "[<>&;/!# \t\r\nbrpxa0-9\u{e9}-]{0,64}") {
        prop_assert_eq!(html_to_text(&html), oracle(&html), "input {:?}", html);
    }

    #[test]
    fn same_as_mail_parser_on_any_text(html in "\\PC{0,200}") {
        prop_assert_eq!(html_to_text(&html), oracle(&html), "input {:?}", html);
    }
}

thread_local! {
    static QUIET_PANICS: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// `catch_unwind` that does not print the panic message (of this thread only: a failing
/// check elsewhere still prints), like the scan's own.
fn quiet_catch_unwind<T>(f: impl FnOnce() -> T) -> Option<T> {
    static HOOK: std::sync::Once = std::sync::Once::new();
    HOOK.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if !QUIET_PANICS.with(std::cell::Cell::get) {
                previous(info);
            }
        }));
    });
    QUIET_PANICS.with(|q| q.set(true));
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(f));
    QUIET_PANICS.with(|q| q.set(false));
    result.ok()
}

fn files_under(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            files_under(&path, out);
        } else {
            out.push(path);
        }
    }
}

/// Every file of the test data and fuzz corpora (the corpora are not in git: whatever is
/// there), read as text, and the HTML parts of those that parse as messages.
#[test]
fn same_as_mail_parser_on_repository_files() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mut files = Vec::new();
    for dir in ["fuzz/corpus", "fuzz/seeds", "crates/vigie-server/templates"] {
        files_under(&root.join(dir), &mut files);
    }
    if let Ok(crates) = std::fs::read_dir(root.join("crates")) {
        for krate in crates.flatten() {
            files_under(&krate.path().join("tests"), &mut files);
        }
    }
    let parser = mail_parser::MessageParser::default();
    let (mut texts, mut parts) = (0, 0);
    for path in &files {
        let Ok(bytes) = std::fs::read(path) else {
            continue;
        };
        let text = String::from_utf8_lossy(&bytes);
        check(&text);
        texts += 1;
        // mail-parser panics on a few malformed messages (the scan contains that too).
        let htmls = quiet_catch_unwind(|| {
            let message = parser.parse(&bytes)?;
            let htmls = message.parts.iter().filter_map(|part| match &part.body {
                mail_parser::PartType::Html(html) => Some(html.to_string()),
                _ => None,
            });
            Some(htmls.collect::<Vec<_>>())
        });
        for html in htmls.flatten().unwrap_or_default() {
            check(&html);
            parts += 1;
        }
    }
    assert!(texts > 0, "no file found under {}", root.display());
    eprintln!("{texts} files and {parts} HTML parts converted as mail-parser does");
}
