// Vigie — the web application driven through a real headless Chromium (Debian's package),
// the way a secretary of a small commune would use it: installation, two-factor enrolment,
// sign-out and sign-in, the commune's mailbox added and checked (a forwarding rule to an
// outside address is found), an incident declared from its playbook with its evidence and
// documents, the account and security-journal pages, a phone-sized screen, and the interface
// in English.
//
//   node tests/browser/flow.mjs BASE_URL SETUP_URL ARTIFACT_DIR
//
// with, for the mailbox (a Dovecot of tests/fixtures/dovecot.sh whose active Sieve script
// redirects the treasury's mail to VIGIE_TEST_EXFILTRATION, and which holds a message with an
// IBAN): VIGIE_TEST_IMAP_HOST, VIGIE_TEST_IMAPS_PORT, VIGIE_TEST_SIEVE_PORT,
// VIGIE_TEST_IMAP_USER, VIGIE_TEST_IMAP_PASSWORD, VIGIE_TEST_CA_PEM (path of the server's
// certificate) and VIGIE_TEST_EXFILTRATION.
//
// Normally started by scripts/browser-test.sh, which starts that Dovecot, builds and starts
// `vigie serve` on a fresh data directory. Every page visited is saved as a full-page PNG in ARTIFACT_DIR,
// numbered in order. Exit code 0 when every assertion held, 1 otherwise (the message names the
// step that failed, and a screenshot of the failing page is saved as NN-ECHEC-….png).
//
// Every user-supplied string carries an HTML/script injection: the page must show it as text.
// The app's Content-Security-Policy forbids inline scripts, so an unescaped payload would not
// run anyway; that is why the checks also look at the DOM itself (no injected element, no
// `on…` attribute, no extra <script>) and fail on any CSP violation, instead of relying only on
// `window.__xss` staying undefined.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { chromium } from 'playwright-core';

const [BASE_URL, SETUP_URL, ARTIFACTS] = process.argv.slice(2);
if (!BASE_URL || !SETUP_URL || !ARTIFACTS) {
  console.error('usage : node flow.mjs BASE_URL SETUP_URL ARTIFACT_DIR');
  process.exit(2);
}

const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

/** The test mailbox (see the top of this file); every value is required. */
const MAILBOX = (() => {
  const env = (name) => {
    const value = process.env[name];
    if (!value) {
      console.error(`${name} manque : lancez ce parcours par scripts/browser-test.sh, qui démarre la boîte Dovecot de test.`);
      process.exit(2);
    }
    return value;
  };
  return {
    host: env('VIGIE_TEST_IMAP_HOST'),
    imapsPort: env('VIGIE_TEST_IMAPS_PORT'),
    sievePort: env('VIGIE_TEST_SIEVE_PORT'),
    user: env('VIGIE_TEST_IMAP_USER'),
    password: env('VIGIE_TEST_IMAP_PASSWORD'),
    caPemPath: env('VIGIE_TEST_CA_PEM'),
    exfiltration: env('VIGIE_TEST_EXFILTRATION'),
  };
})();
// The bank detail in the test mailbox's message (scripts/browser-test.sh), and how Vigie must
// show it: all but the last four characters masked (vigie_scan::mask).
const IBAN = 'FR76 3000 6000 0112 3456 7890 189';
const IBAN_MASKED = `${'*'.repeat(23)}0189`;
// The sandboxed policy of the detailed report (vigie_server::security::REPORT_CSP).
const REPORT_CSP =
  "default-src 'none'; style-src 'unsafe-inline'; img-src data:; sandbox; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

// Bounded waits: a page of this app answers in milliseconds; 15 s means something is wrong.
const NAV_TIMEOUT = 15_000;
const ACTION_TIMEOUT = 10_000;
// A check of the small test mailbox takes a few seconds (the Rust tests allow 30 s).
const CHECK_TIMEOUT = 60_000;
// The whole flow takes about 20 s; past this, something hangs: fail rather than wait.
const FLOW_TIMEOUT = 180_000;

// ---------------------------------------------------------------------------------------------
// The injected strings. None contains '/' in the file name (the server keeps only what follows
// the last '/' or '\\' of an uploaded file's name) nor '"' (Chromium sends it as %22 in the
// multipart header, per the HTML standard, so the name would come back changed).

const XSS = {
  script: '<script>window.__xss=1</script>',
  attribute: '"><img src=x onerror="window.__xss=1">',
  dialog: "<img src=x onerror=alert('xss')>",
  svg: '<svg onload=alert(1)>',
  quote: "' onmouseover='window.__xss=1",
};

const ORG = `Mairie de Saint-Exemple ${XSS.script}${XSS.attribute}`;
const ADMIN_NAME = `Claire Martin ${XSS.dialog}${XSS.quote}`;
const EMAIL = 'secretariat@mairie-saint-exemple.fr';
const SIGNIN_INJECTION = `inconnu@exemple.fr${XSS.attribute}`;
// Four random words: strong for zxcvbn, not made of the organisation's names (and not the
// example the app itself gives, « tulipe-canapé-orbite-mardi »).
const PASSWORD = 'girafe-lanterne-boussole-jeudi';
const INCIDENT_TITLE = `Messagerie piratée ${XSS.script}`;
const INCIDENT_DESCRIPTION = `Des courriels ont disparu. ${XSS.attribute} ${XSS.svg}`;
const STEP_NOTE = `mot de passe changé ${XSS.dialog}`;
const EVIDENCE_NAME = `capture ${XSS.dialog}${XSS.svg}.txt`;
const EVIDENCE_DESCRIPTION = `Capture de la règle de transfert ${XSS.script}${XSS.quote}`;
const MAILBOX_LABEL = `Secrétariat ${XSS.script}${XSS.quote}`;
const EVIDENCE_BYTES = Buffer.from(
  'Règle Sieve inconnue : redirect "pirate@example.net";\r\nCapture faite le jour même.\r\n',
  'utf8',
);

// ---------------------------------------------------------------------------------------------
// Small helpers.

/** `oathtool --totp` for a base32 secret at Unix time `at` (the same call as tests/web.rs). */
function oathtool(secret, at) {
  return execFileSync('oathtool', ['--totp', '-b', '--now', `@${at}`, secret], {
    encoding: 'utf8',
  }).trim();
}

const unixNow = () => Math.floor(Date.now() / 1000);

/** Everything the checks gather while the browser runs. */
const watch = {
  dialogs: [],
  pageErrors: [],
  consoleErrors: [],
  cspViolations: [],
  failedRequests: [],
  // Console errors the flow itself provokes (a form sent back with 422, a refused code...):
  // Chromium logs « Failed to load resource: … status of 422 » for them.
  expectedStatuses: new Set(),
  // Remarks printed at the end, not failures.
  notes: new Set(),
};

let shotNumber = 0;

/** Full-page PNG, numbered in the order of the visit. */
async function shot(page, name) {
  shotNumber += 1;
  const file = path.join(ARTIFACTS, `${String(shotNumber).padStart(2, '0')}-${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

let currentStep = '(démarrage)';

/** Runs one named step; a failure says which step, with a screenshot of the page. */
async function step(page, name, fn) {
  currentStep = name;
  const started = Date.now();
  process.stdout.write(`• ${name}… `);
  try {
    await fn();
  } catch (error) {
    console.log('ÉCHEC');
    try {
      const file = await shot(page, `ECHEC-${slug(name)}`);
      await writeFile(file.replace(/\.png$/, '.html'), await page.content());
      console.error(`  capture de la page au moment de l'échec : ${file}`);
    } catch {
      // The page may be gone (browser crash): the message below is what matters.
    }
    error.message = `étape « ${name} » : ${error.message}`;
    throw error;
  }
  console.log(`ok (${((Date.now() - started) / 1000).toFixed(1)} s)`);
}

function slug(text) {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 40);
}

/**
 * Checks made on every page after it loaded: no injected script ran, no dialog, no injected
 * element or event-handler attribute in the DOM, only the app's own script, French page, no
 * console error or CSP violation so far.
 */
async function checkPage(page, where, lang = 'fr') {
  const state = await onSettledPage(page, () => page.evaluate(() => {
    const handlers = [];
    for (const el of document.querySelectorAll('*')) {
      for (const attr of el.attributes) {
        if (attr.name.toLowerCase().startsWith('on')) handlers.push(`<${el.localName} ${attr.name}>`);
      }
    }
    return {
      xss: typeof window.__xss,
      lang: document.documentElement.lang,
      title: document.title,
      scripts: [...document.scripts].map((s) => s.getAttribute('src') || `(en ligne) ${s.textContent.slice(0, 60)}`),
      injectedImages: document.querySelectorAll('img[src="x"]').length,
      svgs: document.querySelectorAll('svg').length,
      handlers,
    };
  }));
  assert.equal(state.xss, 'undefined', `${where} : window.__xss est défini, un script injecté s'est exécuté`);
  assert.deepEqual(watch.dialogs, [], `${where} : une boîte de dialogue s'est ouverte (script injecté exécuté)`);
  assert.deepEqual(state.handlers, [], `${where} : attribut de gestionnaire d'événement dans la page (injection HTML)`);
  assert.equal(state.injectedImages, 0, `${where} : une balise <img src=x> injectée est dans la page`);
  assert.equal(state.svgs, 0, `${where} : une balise <svg> injectée est dans la page`);
  assert.deepEqual(state.scripts, ['/static/vigie.js'], `${where} : seuls les scripts du site sont attendus`);
  assert.equal(state.lang, lang, `${where} : <html lang="${lang}"> attendu`);
  assert.match(state.title, / — Vigie$/, `${where} : titre de page`);
  assertNoBrowserErrors(where);
}

/**
 * Runs `fn` on the current page; if the page went away under it (a page that reloads itself,
 * <meta http-equiv="refresh">, while a mailbox check runs), runs it again on the new one.
 */
async function onSettledPage(page, fn) {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await fn();
    } catch (error) {
      if (attempt >= 3 || !/Execution context was destroyed|navigat/i.test(error.message)) throw error;
      await page.waitForLoadState('load', { timeout: NAV_TIMEOUT });
    }
  }
}

function assertNoBrowserErrors(where) {
  assert.deepEqual(watch.pageErrors, [], `${where} : erreur JavaScript dans la page`);
  assert.deepEqual(watch.cspViolations, [], `${where} : violation de la Content-Security-Policy`);
  assert.deepEqual(watch.consoleErrors, [], `${where} : erreur dans la console du navigateur${diagnose(watch.consoleErrors)}`);
  assert.deepEqual(watch.failedRequests, [], `${where} : requête échouée`);
}

/** What a console error this test has met before means, to name the bug in the failure. */
function diagnose(errors) {
  const known = [
    [
      /<rect> attribute height: A negative value is not valid/,
      "bogue de vigie-mail (crates/vigie-mail/src/report/charts.rs, horizontal_bars) : un graphique " +
        "en barres horizontales d'une seule ligne (ici « Messages sensibles, par dossier », tout dans INBOX) " +
        "fait 60 + 28 px de haut, trop peu pour le titre, les marges et l'axe : la zone de tracé n'a que " +
        "quelques pixels et la barre (marges de 4 px en haut et en bas) a une hauteur négative, " +
        "<rect height=\"-7\"> que le navigateur refuse (la barre n'est pas dessinée). Reproduire : " +
        "vigie mail scan --maildir DOSSIER --format html sur une Maildir d'un seul message avec un IBAN.",
    ],
  ];
  const found = known.filter(([re]) => errors.some((e) => re.test(e))).map(([, why]) => why);
  return found.length ? `\n  Diagnostic : ${found.join('\n  Diagnostic : ')}\n` : '';
}

/** Opens a URL, checks the HTTP status, runs the page checks, takes the screenshot. */
async function visit(page, url, { status = 200, name }) {
  const response = await page.goto(url, { timeout: NAV_TIMEOUT, waitUntil: 'load' });
  assert.ok(response, `pas de réponse pour ${url}`);
  assert.equal(response.status(), status, `${url} : statut HTTP`);
  await checkPage(page, url);
  if (name) await shot(page, name);
  return response;
}

/**
 * Clicks a submit button and waits for the page it leads to. Returns the final response and the
 * chain of redirects before it (a form that worked answers 303 then the next page).
 */
async function submit(page, button, { status = 200, expectRedirect = false, name, lang = 'fr' } = {}) {
  if (status >= 400) watch.expectedStatuses.add(status);
  const [response] = await Promise.all([
    page.waitForNavigation({ timeout: NAV_TIMEOUT, waitUntil: 'load' }),
    button.click({ timeout: ACTION_TIMEOUT }),
  ]);
  assert.ok(response, `pas de réponse après l'envoi du formulaire (${page.url()})`);
  await explainRefusedForm(response, status);
  const redirected = response.request().redirectedFrom();
  if (expectRedirect) {
    assert.ok(redirected, `${page.url()} : l'envoi du formulaire devait répondre par une redirection`);
    const first = await redirected.response();
    assert.equal(first.status(), 303, `${redirected.url()} : redirection 303 attendue après le formulaire`);
  }
  assert.equal(response.status(), status, `${page.url()} : statut HTTP après l'envoi du formulaire`);
  await checkPage(page, page.url(), lang);
  watch.expectedStatuses.clear();
  if (name) await shot(page, name);
  return response;
}

/**
 * A form refused as forged although the browser sent it from the app's own page: say why,
 * from the headers the browser really sent. `Origin: null` is what Chromium and Firefox send
 * for a form POST from a page served with `Referrer-Policy: no-referrer`; the server was fixed
 * (a332c9e: pages served with `same-origin`, and `Origin: null` accepted with
 * `Sec-Fetch-Site: same-origin`), so this names a regression.
 */
async function explainRefusedForm(response, expected) {
  if (response.status() !== 403 || expected === 403) return;
  let request = response.request();
  while (request.redirectedFrom()) request = request.redirectedFrom();
  const headers = await request.allHeaders();
  if (request.method() === 'POST' && headers.origin === 'null') {
    assert.fail(
      `formulaire refusé (403, « jeton de sécurité absent ou périmé ») alors qu'il vient d'une page de Vigie : ` +
        `le navigateur a envoyé Origin: null et Sec-Fetch-Site: ${headers['sec-fetch-site']} ` +
        `(c'est ce qu'il envoie pour un POST depuis une page servie avec Referrer-Policy: no-referrer), ` +
        `et security::same_origin l'a refusé. Régression de la correction a332c9e : ` +
        `aucun formulaire de l'application ne fonctionne dans un vrai navigateur.`,
    );
  }
}

/** The injected text must be shown as text, exactly, somewhere matching `selector`. */
async function assertShownAsText(page, selector, text, what) {
  const texts = await page.locator(selector).allTextContents();
  assert.ok(
    texts.some((t) => t.includes(text)),
    `${what} : le texte saisi (${JSON.stringify(text)}) n'est pas affiché tel quel dans ${selector} ; trouvé : ${JSON.stringify(texts.slice(0, 5))}`,
  );
}

async function pathOf(page) {
  return new URL(page.url()).pathname;
}

/** Total hours left in a countdown written by static/vigie.js (« il reste 2 jours 23 heures »). */
function hoursLeft(text) {
  const m = /il reste (?:(\d+) jours?)?\s*(?:(\d+) heures?)?/.exec(text);
  assert.ok(m && (m[1] || m[2]), `compte à rebours illisible : ${JSON.stringify(text)}`);
  return Number(m[1] || 0) * 24 + Number(m[2] || 0);
}

// ---------------------------------------------------------------------------------------------
// The flow.

async function main() {
  await mkdir(ARTIFACTS, { recursive: true });
  const started = Date.now();
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    timeout: 30_000,
    // Sandboxed CI, as root, no GPU, a small /dev/shm, no network beyond loopback: without the
    // background-networking flags Chromium keeps trying to reach Google's hosts.
    args: [
      '--headless=new',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-dev-shm-usage',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-quic',
      '--no-first-run',
      '--disable-extensions',
      '--lang=fr-FR',
    ],
  });
  const ctx = { started };
  try {
    const context = await browser.newContext({
      baseURL: BASE_URL,
      locale: 'fr-FR',
      timezoneId: 'Europe/Paris',
      viewport: { width: 1280, height: 900 },
      acceptDownloads: true,
    });
    context.setDefaultTimeout(ACTION_TIMEOUT);
    context.setDefaultNavigationTimeout(NAV_TIMEOUT);

    // CSP violations are reported to the page as `securitypolicyviolation` events; a binding
    // (set up over the DevTools protocol, so not itself subject to the CSP) hands them here.
    await context.exposeBinding('__vigieReportViolation', (_source, v) => {
      watch.cspViolations.push(v);
    });
    await context.addInitScript(() => {
      document.addEventListener('securitypolicyviolation', (e) => {
        window.__vigieReportViolation({
          directive: e.violatedDirective,
          blocked: e.blockedURI,
          page: document.location.pathname,
          sample: e.sample,
        });
      });
    });
    // The fake clock lets the countdown be fast-forwarded (static/vigie.js updates every 30 s);
    // it starts at the real time and runs normally until told otherwise.
    await context.clock.install({ time: new Date() });

    const page = await context.newPage();
    page.on('dialog', async (dialog) => {
      watch.dialogs.push(`${dialog.type()}: ${dialog.message()}`);
      await dialog.dismiss().catch(() => {});
    });
    page.on('pageerror', (error) => watch.pageErrors.push(String(error)));
    page.on('console', (message) => {
      if (message.type() !== 'error') return;
      const text = message.text();
      const where = message.location().url || '';
      // On the detailed report, Chromium says « Blocked script execution … sandboxed »: that
      // is Playwright's fake clock (context.clock, installed for the countdown) refused by the
      // report's sandbox (the other scripts this test adds, the CSP-violation watcher
      // included, do run there). The report step checks the report has no script of its own.
      if (
        /^Blocked script execution in '[^']*\/rapport' because the document's frame is sandboxed/.test(text) &&
        /\/rapport$/.test(new URL(where || page.url()).pathname)
      ) {
        return;
      }
      const status = /status of (\d{3})/.exec(text);
      if (status && watch.expectedStatuses.has(Number(status[1]))) return;
      watch.consoleErrors.push(`${text} (${where || page.url()})`);
    });
    page.on('requestfailed', (request) => {
      // A download's navigation is cancelled by the browser on purpose.
      const failure = request.failure()?.errorText || '';
      if (failure.includes('ERR_ABORTED') && /\/(documents|dossier)\b/.test(request.url())) return;
      watch.failedRequests.push(`${request.method()} ${request.url()} : ${failure}`);
    });

    await setupSteps(page, ctx);
    await enrolSteps(page, ctx);
    await signInSteps(page, ctx);
    await mailboxSteps(page, ctx);
    await incidentSteps(page, ctx);
    await accountSteps(page, ctx);
    await passkeySteps(page, ctx);
    await phoneSteps(page, ctx);
    await languageSteps(page);

    await step(page, 'Aucune erreur du navigateur sur tout le parcours', async () => {
      assertNoBrowserErrors('fin du parcours');
      assert.deepEqual(watch.dialogs, []);
    });
    await context.close();
  } finally {
    await browser.close();
  }
  for (const note of watch.notes) console.log(`Remarque : ${note}`);
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  console.log(`\nParcours navigateur réussi en ${seconds} s : ${shotNumber} captures dans ${ARTIFACTS}`);
}

// 1. Installation wizard: a refused form first (nothing created), then the real one.
async function setupSteps(page) {
  await step(page, "Sans jeton, la page d'installation est refusée", async () => {
    watch.expectedStatuses.add(403);
    await visit(page, '/installation', { status: 403 });
    await page.getByText("Il manque le jeton d'installation dans l'adresse.").waitFor();
    watch.expectedStatuses.clear();
  });

  await step(page, "Assistant d'installation : formulaire refusé (mots de passe faible et différents)", async () => {
    await visit(page, SETUP_URL, { name: 'installation' });
    await page.getByRole('heading', { name: 'Installation de Vigie' }).waitFor();
    await page.getByLabel("Nom de l'organisation").fill(ORG);
    await page.getByLabel('Vos prénom et nom').fill(ADMIN_NAME);
    await page.getByLabel(/Adresse électronique/).fill(EMAIL);
    await page.getByLabel('Mot de passe', { exact: true }).fill('mairie2024');
    await page.getByLabel('Le même mot de passe, une seconde fois').fill('autre-chose');
    await submit(page, page.getByRole('button', { name: "Créer l'organisation et continuer" }), {
      status: 422,
      name: 'installation-refusee',
    });
    assert.equal(await pathOf(page), '/installation');
    // Field-level French messages, tied to their fields.
    const pwError = page.locator('#mot_de_passe-erreur');
    await pwError.waitFor();
    assert.match(await pwError.innerText(), /Mot de passe trop faible/);
    assert.match(
      await page.locator('#confirmation-erreur').innerText(),
      /Les deux mots de passe sont différents/,
    );
    assert.equal(await page.locator('#mot_de_passe').getAttribute('aria-invalid'), 'true');
    await page.getByRole('alert').getByText("Le formulaire n'a pas été enregistré :").waitFor();
    // What was typed comes back, escaped (the injection is in the field's value, as text);
    // the passwords never come back.
    assert.equal(await page.getByLabel("Nom de l'organisation").inputValue(), ORG);
    assert.equal(await page.getByLabel('Vos prénom et nom').inputValue(), ADMIN_NAME);
    assert.equal(await page.getByLabel('Mot de passe', { exact: true }).inputValue(), '');
    assert.ok(!(await page.content()).includes('mairie2024'), 'le mot de passe refusé est renvoyé dans la page');
    // Nothing was created: the server still says it is not installed.
    const health = await page.request.get('/healthz');
    assert.equal(health.status(), 200);
    assert.equal((await health.json()).installe, false, "l'organisation a été créée malgré les erreurs");
  });

  await step(page, "Assistant d'installation : organisation et administrateur créés", async () => {
    await page.getByLabel('Mot de passe', { exact: true }).fill(PASSWORD);
    await page.getByLabel('Le même mot de passe, une seconde fois').fill(PASSWORD);
    await submit(page, page.getByRole('button', { name: "Créer l'organisation et continuer" }), {
      expectRedirect: true,
    });
    assert.equal(await pathOf(page), '/connexion/double-facteur');
    const health = await page.request.get('/healthz');
    assert.equal((await health.json()).installe, true);
  });
}

// 2. TOTP enrolment with the key shown on the page, then the ten recovery codes.
async function enrolSteps(page, ctx) {
  await step(page, 'Double authentification : code faux refusé', async () => {
    await page.getByRole('heading', { name: 'Activer la double authentification' }).waitFor();
    await shot(page, 'double-facteur');
    const qr = await page.getByAltText("QR code d'activation de la double authentification").getAttribute('src');
    assert.match(qr, /^data:image\/svg\+xml;base64,/, 'QR code affiché');
    ctx.secret = (await page.getByTestId('secret-totp').innerText()).replace(/\s+/g, '');
    assert.match(ctx.secret, /^[A-Z2-7]{16,}$/, 'clé TOTP en base32');
    await page.getByLabel("Code affiché par l'application").fill('000000');
    await submit(page, page.getByRole('button', { name: 'Activer' }), { status: 422, name: 'double-facteur-code-faux' });
    await page.getByRole('alert').getByText(/^Code incorrect\./).waitFor();
    // The same key is kept after a wrong code (no new scan).
    assert.equal((await page.getByTestId('secret-totp').innerText()).replace(/\s+/g, ''), ctx.secret);
  });

  await step(page, 'Double authentification activée, dix codes de secours', async () => {
    ctx.enrolCode = oathtool(ctx.secret, unixNow());
    ctx.enrolAt = unixNow();
    await page.getByLabel("Code affiché par l'application").fill(ctx.enrolCode);
    await submit(page, page.getByRole('button', { name: 'Activer' }), { name: 'codes-de-secours' });
    await page.getByRole('heading', { name: 'Vos codes de secours' }).waitFor();
    await page.getByText('La double authentification est activée.').waitFor();
    const codes = await page.getByTestId('codes-secours').locator('code').allInnerTexts();
    assert.equal(codes.length, 10, 'dix codes de secours');
    assert.equal(new Set(codes).size, 10, 'codes de secours tous différents');
    ctx.recoveryCodes = codes;
  });

  await step(page, 'Tableau de bord après installation (noms injectés affichés comme du texte)', async () => {
    await Promise.all([
      page.waitForURL(`${BASE_URL}/`, { timeout: NAV_TIMEOUT }),
      page.getByRole('link', { name: "J'ai mis mes codes à l'abri, continuer" }).click(),
    ]);
    await checkPage(page, '/');
    await page.getByRole('heading', { name: 'Tableau de bord' }).waitFor();
    await assertShownAsText(page, '.bandeau .org', ORG.trim(), "nom de l'organisation");
    await assertShownAsText(page, '.bandeau .utilisateur', ADMIN_NAME, "nom de l'administrateur");
    await page.getByText('Aucun incident en cours.').waitFor();
    await shot(page, 'tableau-de-bord');
  });
}

// 3. Sign out, then sign in: wrong password, password, replayed code, fresh code.
async function signInSteps(page, ctx) {
  await step(page, 'Déconnexion', async () => {
    await submit(page, page.getByRole('button', { name: 'Se déconnecter' }), { expectRedirect: true, name: 'deconnexion' });
    assert.equal(await pathOf(page), '/connexion');
    await page.getByRole('heading', { name: 'Connexion' }).waitFor();
    // Signed out means signed out: the dashboard sends back to the sign-in page.
    await visit(page, '/', {});
    assert.equal(await pathOf(page), '/connexion');
  });

  await step(page, 'Connexion : adresse inconnue refusée, renvoyée comme du texte', async () => {
    // The address typed is sent back in the form after a failure: another reflected string.
    // The browser's own e-mail validation is lifted so that the server sees it.
    await page.locator('form[action="/connexion"]').evaluate((form) => {
      form.noValidate = true;
    });
    await page.getByLabel('Adresse électronique').fill(SIGNIN_INJECTION);
    await page.getByLabel('Mot de passe').fill('pas-le-bon-mot-de-passe');
    await submit(page, page.getByRole('button', { name: 'Continuer' }), { status: 401 });
    await page.getByRole('alert').getByText('Adresse électronique ou mot de passe incorrect.').waitFor();
    assert.equal(await page.getByLabel('Adresse électronique').inputValue(), SIGNIN_INJECTION);
  });

  await step(page, 'Connexion : mauvais mot de passe refusé', async () => {
    await page.getByLabel('Adresse électronique').fill(EMAIL);
    await page.getByLabel('Mot de passe').fill('pas-le-bon-mot-de-passe');
    await submit(page, page.getByRole('button', { name: 'Continuer' }), { status: 401, name: 'connexion-refusee' });
    await page.getByRole('alert').getByText('Adresse électronique ou mot de passe incorrect.').waitFor();
  });

  await step(page, 'Connexion : mot de passe, puis code déjà utilisé refusé', async () => {
    await page.getByLabel('Adresse électronique').fill(EMAIL);
    await page.getByLabel('Mot de passe').fill(PASSWORD);
    await submit(page, page.getByRole('button', { name: 'Continuer' }), { expectRedirect: true, name: 'connexion-code' });
    assert.equal(await pathOf(page), '/connexion/code');
    await page.getByRole('heading', { name: 'Code de vérification' }).waitFor();
    // The enrolment code again: a TOTP code is never accepted twice. Within the tolerated
    // drift the server recognises it as replayed; later it is merely a wrong code.
    await page.getByLabel('Code').fill(ctx.enrolCode);
    await submit(page, page.getByRole('button', { name: 'Se connecter' }), { status: 401, name: 'connexion-code-rejoue' });
    const message = await page.getByRole('alert').innerText();
    if (unixNow() - ctx.enrolAt < 25) {
      assert.match(message, /Ce code a déjà servi/);
    } else {
      assert.match(message, /Ce code a déjà servi|Code incorrect/);
    }
  });

  await step(page, 'Connexion : code de la période suivante accepté', async () => {
    // The enrolment spent the current 30-second step; like tests/web.rs, take the next step's
    // code (the server tolerates one step of drift) instead of waiting up to 30 s.
    const code = oathtool(ctx.secret, unixNow() + 30);
    await page.getByLabel('Code').fill(code);
    await submit(page, page.getByRole('button', { name: 'Se connecter' }), { expectRedirect: true, name: 'connecte' });
    assert.equal(await pathOf(page), '/');
    await page.getByRole('heading', { name: 'Tableau de bord' }).waitFor();
  });
}

// 4. « Messagerie »: the commune's mailbox (the Dovecot of scripts/browser-test.sh) added,
// checked in the background, its forwarding rule found; the detailed report; the dashboard.
async function mailboxSteps(page, ctx) {
  const nav = () => page.getByRole('navigation', { name: 'Menu principal' });

  await step(page, 'Messagerie : aucune boîte suivie, formulaire d\'ajout', async () => {
    await nav().getByRole('link', { name: 'Messagerie' }).click();
    await page.waitForURL(`${BASE_URL}/messagerie`);
    await checkPage(page, '/messagerie');
    await page.getByRole('heading', { name: 'Messagerie', level: 1 }).waitFor();
    await page.getByText("Aucune boîte n'est encore suivie.").waitFor();
    await shot(page, 'messagerie');
    await page.getByRole('link', { name: 'Ajouter une boîte aux lettres' }).click();
    await page.waitForURL(`${BASE_URL}/messagerie/ajouter`);
    await checkPage(page, '/messagerie/ajouter');
    await page.getByRole('heading', { name: 'Ajouter une boîte aux lettres' }).waitFor();
    assert.equal(await page.getByLabel('Chiffrement de la connexion').inputValue(), 'tls', 'SSL/TLS proposé par défaut');
    assert.equal(await page.locator('details').getAttribute('open'), null, 'réglages avancés repliés au départ');
    await shot(page, 'messagerie-ajouter');
  });

  await step(page, 'Ajout refusé : serveur vide et port « abc », mot de passe non renvoyé', async () => {
    // The browser's own checks (required fields) are lifted so that the server sees the form.
    await page.locator('form[action="/messagerie/ajouter"]').evaluate((form) => {
      form.noValidate = true;
    });
    await page.getByLabel('Nom de la boîte').fill(MAILBOX_LABEL);
    await page.getByLabel('Identifiant de connexion').fill(MAILBOX.user);
    await page.getByLabel('Mot de passe', { exact: true }).fill(MAILBOX.password);
    await page.getByLabel('Serveur IMAP').fill('');
    await page.getByText('Réglages avancés').click();
    await page.getByLabel(/^Port IMAP/).fill('abc');
    await submit(page, page.getByRole('button', { name: 'Ajouter et lancer le premier contrôle' }), {
      status: 422,
      name: 'messagerie-ajout-refuse',
    });
    assert.equal(await pathOf(page), '/messagerie/ajouter');
    await page.getByRole('alert').getByText("La boîte n'a pas été ajoutée :").waitFor();
    // French messages tied to their fields, the fields marked invalid.
    assert.match(await page.locator('#serveur-erreur').innerText(), /^Indiquez le serveur IMAP/);
    assert.match(await page.locator('#port-erreur').innerText(), /^Le port est un nombre entre 1 et 65535/);
    for (const field of ['serveur', 'port']) {
      const input = page.locator(`#${field}`);
      assert.equal(await input.getAttribute('aria-invalid'), 'true', `#${field} marqué aria-invalid`);
      assert.match(await input.getAttribute('aria-describedby'), new RegExp(`\\b${field}-erreur\\b`), `#${field} relié à son message`);
    }
    for (const field of ['libelle', 'identifiant', 'mot_de_passe']) {
      assert.equal(await page.locator(`#${field}`).getAttribute('aria-invalid'), null, `#${field} n'est pas en erreur`);
    }
    // The advanced settings stay open to show the port's message.
    assert.notEqual(await page.locator('details').getAttribute('open'), null, 'réglages avancés ouverts sur l\'erreur');
    // What was typed comes back (the injected name as the field's value, as text); the
    // password never does, neither in the field nor anywhere in the page.
    assert.equal(await page.getByLabel('Nom de la boîte').inputValue(), MAILBOX_LABEL);
    assert.equal(await page.getByLabel('Identifiant de connexion').inputValue(), MAILBOX.user);
    assert.equal(await page.getByLabel(/^Port IMAP/).inputValue(), 'abc');
    assert.equal(await page.getByLabel('Mot de passe', { exact: true }).inputValue(), '');
    assert.ok(!(await page.content()).includes(MAILBOX.password), 'le mot de passe de la boîte est renvoyé dans la page');
    // Nothing saved.
    const list = await page.request.get('/api/messagerie');
    assert.equal(list.status(), 200, '/api/messagerie');
    assert.deepEqual((await list.json()).boites, [], 'une boîte a été enregistrée malgré les erreurs');
  });

  await step(page, 'Boîte Dovecot ajoutée, premier contrôle lancé', async () => {
    await page.getByLabel('Mot de passe', { exact: true }).fill(MAILBOX.password);
    await page.getByLabel('Serveur IMAP').fill(MAILBOX.host);
    await page.getByLabel('Chiffrement de la connexion').selectOption({ label: 'SSL/TLS (port 993, le plus courant)' });
    await page.getByLabel(/^Port IMAP/).fill(MAILBOX.imapsPort);
    await page.getByLabel(/^Port des filtres ManageSieve/).fill(MAILBOX.sievePort);
    await page.getByLabel(/^Autorité de certification privée/).fill(await readFile(MAILBOX.caPemPath, 'utf8'));
    await submit(page, page.getByRole('button', { name: 'Ajouter et lancer le premier contrôle' }), {
      expectRedirect: true,
    });
    assert.match(await pathOf(page), /^\/messagerie\/[^/]+$/);
    ctx.mailboxUrl = page.url();
    // Counts the reloads the page does by itself from now on.
    ctx.mailboxReloads = 0;
    ctx.countReloads = (frame) => {
      if (frame === page.mainFrame() && frame.url() === ctx.mailboxUrl) ctx.mailboxReloads += 1;
    };
    page.on('framenavigated', ctx.countReloads);
    // Either the check is still running (progress, and the page reloads itself every 3 s)
    // or, on a fast machine, already over. Read in one go: the page may reload meanwhile.
    const state = await onSettledPage(page, () =>
      page.evaluate(() => ({
        h1: document.querySelector('h1')?.textContent ?? '',
        intro: document.querySelector('.intro')?.textContent ?? '',
        running: Boolean(document.getElementById('t-encours')),
        done: Boolean(document.getElementById('t-constats')),
        progress: document.querySelector('progress[aria-label="Avancement du contrôle"]') !== null,
        refresh: document.querySelector('meta[http-equiv="refresh"]')?.getAttribute('content') ?? null,
        buttonDisabled: [...document.querySelectorAll('button')].find((b) => b.textContent.includes('Lancer un contrôle maintenant'))?.disabled,
        text: document.body.innerText,
        html: document.documentElement.outerHTML,
      })),
    );
    assert.equal(state.h1, MAILBOX_LABEL, 'nom de la boîte affiché tel quel en titre');
    assert.ok(
      state.intro.includes(`@${MAILBOX.host}:${MAILBOX.imapsPort}`) && state.intro.includes(`port ${MAILBOX.sievePort}`),
      `serveur et ports de la boîte : ${JSON.stringify(state.intro)}`,
    );
    assert.ok(!state.html.includes(MAILBOX.password), 'le mot de passe de la boîte est dans la page');
    assert.ok(state.running || state.done, 'ni « Contrôle en cours » ni résultat sur la page de la boîte');
    if (state.running) {
      ctx.sawProgress = true;
      assert.ok(state.progress, 'barre d\'avancement du contrôle');
      assert.equal(state.refresh, '3', 'la page d\'un contrôle en cours se recharge toute seule (meta refresh 3 s)');
      assert.match(state.text, /Cette page se met à jour toute seule\./);
      assert.equal(state.buttonDisabled, true, '« Lancer un contrôle maintenant » désactivé pendant un contrôle');
      await shot(page, 'messagerie-controle-en-cours');
    } else {
      watch.notes.add('le contrôle de la boîte était déjà fini au premier affichage : la page « Contrôle en cours » n\'a pas été vue');
    }
  });

  await step(page, 'Contrôle fini (page rechargée toute seule) : règle de transfert sieve.redirect', async () => {
    // No navigation from here: the page's own <meta http-equiv="refresh"> must bring the result.
    const result = page.locator('#t-constats');
    const failure = page.getByRole('alert').filter({ hasText: 'Le dernier contrôle a échoué' });
    try {
      await result.or(failure).first().waitFor({ timeout: CHECK_TIMEOUT });
    } catch (error) {
      const stage = await page.locator('#t-encours').innerText().catch(() => '(pas de section « Contrôle en cours »)');
      throw new Error(
        `le contrôle de la boîte n'a pas rendu de résultat en ${CHECK_TIMEOUT / 1000} s ` +
          `(${ctx.mailboxReloads} rechargement(s) automatique(s) de la page ; dernier état affiché : ${JSON.stringify(stage)}) : ${error.message.split('\n')[0]}`,
      );
    }
    page.off('framenavigated', ctx.countReloads);
    if (await failure.count()) {
      assert.fail(
        `le contrôle de la boîte Dovecot de test a échoué côté serveur : ${JSON.stringify(await failure.innerText())} ` +
          '(voir serve.log et dovecot.log dans les captures)',
      );
    }
    await page.waitForLoadState('load');
    if (ctx.sawProgress) {
      assert.ok(ctx.mailboxReloads >= 1, 'le résultat est arrivé sans que la page se recharge');
    }
    await checkPage(page, ctx.mailboxUrl);
    assert.equal(await page.locator('meta[http-equiv="refresh"]').count(), 0, 'la page continue de se recharger après le contrôle');
    assert.equal(await page.locator('#t-encours').count(), 0, '« Contrôle en cours » encore affiché à côté du résultat');
    await assertShownAsText(page, 'h1', MAILBOX_LABEL, 'nom de la boîte');
    assert.match(await page.locator('section[aria-labelledby="t-constats"]').innerText(), /(^|\s)1 message analysé\./);

    // The forwarding rule: critical (outside address), why and what to do, the address named.
    const redirect = page.locator('li.constat', { has: page.locator('code', { hasText: /^sieve\.redirect$/ }) });
    assert.equal(await redirect.count(), 1, 'un constat sieve.redirect');
    const text = await redirect.innerText();
    assert.match(await redirect.getAttribute('class'), /\bcritique\b/, `gravité du transfert vers l'extérieur : ${text}`);
    assert.match(text, /Gravité critique/);
    assert.match(text, /À traiter aujourd'hui/);
    assert.ok(text.includes(MAILBOX.exfiltration), `l'adresse extérieure ${MAILBOX.exfiltration} est nommée : ${text}`);
    assert.match(text, /Pourquoi :\s*\S/, '« Pourquoi » expliqué');
    assert.match(text, /Que faire :/);
    assert.ok((await redirect.locator('ul > li').count()) >= 1, '« Que faire » donne au moins une étape');
    // The most serious first.
    assert.match(await page.locator('li.constat').first().getAttribute('class'), /\bcritique\b/, 'constats du plus grave au moins grave');
    // Nothing secret in the page: no password, no whole bank detail.
    const html = await page.content();
    assert.ok(!html.includes(MAILBOX.password), 'le mot de passe de la boîte est dans la page');
    assert.ok(!html.includes(IBAN) && !html.includes(IBAN.replace(/ /g, '')), 'IBAN complet dans la page de la boîte');
    assert.ok(await page.getByRole('button', { name: 'Lancer un contrôle maintenant' }).isEnabled());
    await shot(page, 'messagerie-constats');
  });

  await step(page, 'Rapport détaillé : servi dans un bac à sable, valeurs masquées', async () => {
    const link = page.getByRole('link', { name: 'Ouvrir le rapport détaillé des données exposées' });
    assert.match(await link.getAttribute('href'), /^\/messagerie\/[^/]+\/controles\/[^/]+\/rapport$/);
    const [response] = await Promise.all([
      page.waitForNavigation({ timeout: NAV_TIMEOUT, waitUntil: 'load' }),
      link.click(),
    ]);
    assert.equal(response.status(), 200, `${page.url()} : statut HTTP`);
    const headers = await response.allHeaders();
    assert.match(headers['content-type'] || '', /^text\/html/);
    assert.equal(headers['content-security-policy'], REPORT_CSP, 'politique du rapport (bac à sable, aucun script)');
    // The body as served (page.content() would need a script in the sandboxed page).
    const body = await response.text();
    await writeFile(path.join(ARTIFACTS, 'rapport-messagerie.html'), body);
    assert.match(body, /<html lang="fr">/);
    assert.match(body, /<title>Vigie — rapport d'exposition de la messagerie<\/title>/);
    assert.ok(!/<script\b/i.test(body), 'un <script> dans le rapport');
    assert.ok(!/\son[a-z]+\s*=/i.test(body), 'un attribut de gestionnaire d\'événement dans le rapport');
    assert.ok(!/javascript:/i.test(body), 'une adresse javascript: dans le rapport');
    assert.ok(!body.includes(XSS.script) && !body.includes('<img src=x'), 'une injection non échappée dans le rapport');
    assert.ok(!body.includes(IBAN) && !body.includes(IBAN.replace(/ /g, '')), 'IBAN complet dans le rapport');
    assert.ok(!/FR76\s*3000\s*6000/.test(body), 'début de l\'IBAN en clair dans le rapport');
    assert.ok(body.includes(IBAN_MASKED), `IBAN masqué (${IBAN_MASKED}) attendu dans le rapport`);
    assert.ok(!body.includes(MAILBOX.password), 'le mot de passe de la boîte est dans le rapport');
    // What the reader sees (the accessibility tree needs no script in the page).
    await page.getByRole('heading', { name: "Ce qu'un attaquant trouverait dans cette messagerie" }).waitFor();
    await page.getByText('Coordonnees bancaires').first().waitFor();
    await page.getByText(IBAN_MASKED).first().waitFor();
    // The sandbox is in force: the document has an opaque origin (no cookie, no access to the
    // app's pages from there).
    assert.equal(await page.evaluate(() => self.origin), 'null', 'le rapport n\'est pas isolé (origine opaque attendue)');
    assertNoBrowserErrors(page.url());
    assert.deepEqual(watch.dialogs, [], 'boîte de dialogue sur le rapport');
    await shot(page, 'messagerie-rapport');
  });

  await step(page, 'Liste des boîtes : la boîte et son constat critique', async () => {
    await visit(page, ctx.mailboxUrl, {});
    await nav().getByRole('link', { name: 'Messagerie' }).click();
    await page.waitForURL(`${BASE_URL}/messagerie`);
    await checkPage(page, '/messagerie');
    const row = page.locator('table tbody tr');
    assert.equal(await row.count(), 1, 'une boîte suivie');
    await assertShownAsText(page, 'table tbody td a', MAILBOX_LABEL, 'nom de la boîte dans la liste');
    assert.equal(await row.getByRole('link').getAttribute('href'), new URL(ctx.mailboxUrl).pathname);
    assert.match(await row.locator('td').nth(1).innerText(), /^\d{2}\/\d{2}\/\d{4}/, 'date du dernier contrôle');
    assert.match(await row.locator('.pastille.critique').innerText(), /^\d+ critiques?$/);
    assert.equal(await page.locator('meta[http-equiv="refresh"]').count(), 0, 'la liste se recharge alors qu\'aucun contrôle ne tourne');
    await shot(page, 'messagerie-liste');
  });

  await step(page, 'Tableau de bord : carte « Messagerie »', async () => {
    await nav().getByRole('link', { name: 'Tableau de bord' }).click();
    await page.waitForURL(`${BASE_URL}/`);
    await checkPage(page, '/');
    const card = page.locator('section[aria-labelledby="t-messagerie"]');
    const text = await card.innerText();
    assert.match(text, /1 boîte suivie ;\s*dernier contrôle : \d{2}\/\d{2}\/\d{4}/, `carte Messagerie : ${text}`);
    assert.match(text, /Constats ouverts :/);
    assert.match(await card.locator('.gravites .pastille.critique').innerText(), /^[1-9]\d*$/, 'constats critiques comptés');
    assert.match(text, /à traiter aujourd'hui/);
    // The chart of findings over time needs two days of checks; one check today: no chart.
    assert.equal(await card.locator('figure.graphique').count(), 0, 'graphique affiché avec un seul jour de contrôles');
    await card.getByRole('link', { name: 'Voir les boîtes et leurs constats' }).waitFor();
    await shot(page, 'tableau-de-bord-messagerie');
  });
}

// 5–6. An incident « compromission de messagerie »: countdown, checklist, evidence, documents.
async function incidentSteps(page, ctx) {
  await step(page, 'Déclaration : titre manquant refusé', async () => {
    await page.getByRole('link', { name: 'Déclarer un incident' }).first().click();
    await page.waitForURL(`${BASE_URL}/incidents/nouveau`);
    await checkPage(page, '/incidents/nouveau');
    await page.getByRole('heading', { name: 'Déclarer un incident' }).waitFor();
    await shot(page, 'incident-nouveau');
    const playbook = page.getByLabel('Ce qui se passe');
    assert.equal(await playbook.inputValue(), 'compromission-messagerie', 'fiche proposée par défaut');
    assert.match(await playbook.locator('option:checked').innerText(), /messagerie/i);
    // The date defaults to now (Paris time).
    assert.match(await page.getByLabel(/Constaté le/).inputValue(), /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/);
    // A title of spaces passes the browser's `required` check but not the server's.
    await page.getByLabel('Titre (quelques mots)').fill('   ');
    await submit(page, page.getByRole('button', { name: "Déclarer l'incident" }), { status: 422 });
    await page.locator('#titre-erreur').getByText(/Donnez un titre/).waitFor();
    await page.getByRole('alert').getByText("L'incident n'a pas été enregistré :").waitFor();
  });

  await step(page, 'Déclaration : incident « compromission de messagerie » créé', async () => {
    await page.getByLabel('Ce qui se passe').selectOption('compromission-messagerie');
    await page.getByLabel('Titre (quelques mots)').fill(INCIDENT_TITLE);
    await page.getByLabel('Ce que vous avez constaté').fill(INCIDENT_DESCRIPTION);
    await page.getByLabel(/Des données personnelles ont pu être lues/).check();
    await submit(page, page.getByRole('button', { name: "Déclarer l'incident" }), { expectRedirect: true, name: 'incident' });
    assert.match(await pathOf(page), /^\/incidents\/[^/]+$/);
    ctx.incidentUrl = page.url();
    const heading = page.getByRole('heading', { level: 1 });
    ctx.reference = (await heading.locator('.reference').innerText()).trim();
    assert.match(ctx.reference, /^INC-\d{4}-\d{4}$/);
    await assertShownAsText(page, 'h1', INCIDENT_TITLE, "titre de l'incident");
    await assertShownAsText(page, 'main p', INCIDENT_DESCRIPTION, "description de l'incident");
    await assertShownAsText(page, '.intro', ADMIN_NAME, 'déclaré par');
    await page.getByText('Piratage de la messagerie de la collectivité').first().waitFor();
    await page.getByText('Des données personnelles sont concernées.').waitFor();
  });

  await step(page, 'Compte à rebours des 72 heures, mis à jour en direct', async () => {
    const cnil = page.locator('li.delai[data-echeance]', { hasText: /CNIL/ }).first();
    await cnil.waitFor();
    const due = Date.parse(await cnil.getAttribute('data-echeance'));
    const hoursToDue = (due - Date.now()) / 3_600_000;
    assert.ok(hoursToDue > 71 && hoursToDue <= 72, `échéance CNIL à 72 h de la découverte (${hoursToDue.toFixed(2)} h)`);
    // The server writes « il reste 2 j 23 h » ; static/vigie.js rewrites it in full words.
    const before = await cnil.locator('.reste').innerText();
    assert.match(before, /^il reste 2 jours 23 heures \(échéance : \d{2}\/\d{2}\/\d{4} \d{2}:\d{2}\)$/);
    // Two hours later (fake clock: runFor fires the 30-second timer all the way), it says so.
    await page.clock.runFor('02:00:00');
    await page.waitForFunction(
      (el) => !el.querySelector('.reste').textContent.startsWith('il reste 2 jours 23'),
      await cnil.elementHandle(),
      { timeout: ACTION_TIMEOUT },
    );
    const after = await cnil.locator('.reste').innerText();
    const drop = hoursLeft(before) - hoursLeft(after);
    assert.ok(drop >= 1 && drop <= 3, `le compte à rebours a avancé de 2 h (${before} → ${after})`);
    await shot(page, 'incident-compte-a-rebours');
    // Back to the real time for what follows (the fake clock is the whole context's).
    await page.clock.setSystemTime(new Date());
    await visit(page, ctx.incidentUrl, {});
  });

  await step(page, "Étape de la fiche cochée : « Couper l'accès de l'attaquant »", async () => {
    const item = page.locator('ol.etapes > li', { hasText: "Couper l'accès de l'attaquant" });
    await item.getByLabel('Note (facultatif)').fill(STEP_NOTE);
    await submit(page, item.getByRole('button', { name: 'Marquer comme fait' }), { expectRedirect: true, name: 'incident-etape-faite' });
    const done = page.locator('ol.etapes > li', { hasText: "Couper l'accès de l'attaquant" });
    assert.match(await done.getAttribute('class'), /\bfaite\b/);
    await assertShownAsText(page, 'ol.etapes > li.faite p.fait', `Fait par ${ADMIN_NAME} — ${STEP_NOTE}`, "note de l'étape");
  });

  await step(page, 'Preuve déposée, listée avec son empreinte SHA-256', async () => {
    await page.getByLabel(/^Fichiers/).setInputFiles({
      name: EVIDENCE_NAME,
      mimeType: 'text/plain',
      buffer: EVIDENCE_BYTES,
    });
    await page.getByLabel('Ce que montrent ces fichiers').fill(EVIDENCE_DESCRIPTION);
    await submit(page, page.getByRole('button', { name: 'Ajouter au coffre de preuves' }), {
      expectRedirect: true,
      name: 'incident-preuve',
    });
    const row = page.locator('section[aria-labelledby="t-preuves"] tbody tr').first();
    await row.waitFor();
    const cells = await row.locator('td').allInnerTexts();
    const sha256 = createHash('sha256').update(EVIDENCE_BYTES).digest('hex');
    assert.equal(cells[0], EVIDENCE_NAME, 'nom du fichier affiché tel quel');
    assert.equal(cells[1], EVIDENCE_DESCRIPTION, 'description affichée telle quelle');
    assert.equal(cells[2], `${EVIDENCE_BYTES.length} octets`);
    assert.equal(cells[3], sha256, 'empreinte SHA-256 du fichier envoyé');
  });

  await step(page, 'Notification CNIL téléchargée (PDF)', async () => {
    const link = page.getByRole('link', { name: /Notification de violation de données à la CNIL/ });
    const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
    assert.match(download.suggestedFilename(), /^INC-\d{4}-\d{4}-cnil\.pdf$/);
    assert.equal(download.suggestedFilename(), `${ctx.reference}-cnil.pdf`);
    const file = path.join(ARTIFACTS, download.suggestedFilename());
    await download.saveAs(file);
    const bytes = await readFile(file);
    assert.equal(bytes.subarray(0, 4).toString('latin1'), '%PDF', 'le fichier est un PDF');
    if (hasCommand('pdftotext')) {
      const text = execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
      assert.match(text, /CNIL/, 'le PDF parle de la CNIL');
      assert.ok(text.includes(ctx.reference), 'le PDF porte la référence de l\'incident');
    } else {
      console.log('(pdftotext absent : contenu du PDF non vérifié) ');
    }
  });

  await step(page, 'Dossier complet téléchargé (ZIP)', async () => {
    const link = page.getByRole('link', { name: 'Télécharger le dossier complet (ZIP)' });
    const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
    assert.equal(download.suggestedFilename(), `${ctx.reference}-dossier.zip`);
    const file = path.join(ARTIFACTS, download.suggestedFilename());
    await download.saveAs(file);
    const bytes = await readFile(file);
    assert.equal(bytes.subarray(0, 2).toString('latin1'), 'PK', 'le fichier est un ZIP');
    assert.ok(bytes.length > 1000, `dossier trop petit (${bytes.length} octets)`);
    // Still on the incident page, still clean.
    await checkPage(page, ctx.incidentUrl);
  });

  await step(page, 'Listes des incidents et tableau de bord', async () => {
    await visit(page, '/incidents', { name: 'incidents' });
    await assertShownAsText(page, 'table tbody td', INCIDENT_TITLE, 'titre dans la liste');
    await page.getByRole('link', { name: ctx.reference }).waitFor();
    await visit(page, '/', { name: 'tableau-de-bord-incident' });
    await assertShownAsText(page, '.liste-incidents', `${ctx.reference} — ${INCIDENT_TITLE}`, 'incident en cours');
    // Countdowns on the dashboard too, rewritten by the script.
    const countdowns = await page.locator('.liste-incidents [data-echeance] .reste').allInnerTexts();
    assert.ok(countdowns.some((t) => /^il reste \d+ jours? /.test(t)), `comptes à rebours : ${countdowns}`);
  });
}

// 7. « Mon compte » and « Journal de sécurité ».
async function accountSteps(page) {
  await step(page, 'Mon compte', async () => {
    await page.getByRole('navigation', { name: 'Menu principal' }).getByRole('link', { name: 'Mon compte' }).click();
    await page.waitForURL(`${BASE_URL}/compte`);
    await checkPage(page, '/compte');
    await page.getByRole('heading', { name: 'Mon compte', level: 1 }).waitFor();
    await assertShownAsText(page, 'dd', ADMIN_NAME, 'nom dans Mon compte');
    await assertShownAsText(page, 'dd', EMAIL, 'adresse dans Mon compte');
    await assertShownAsText(page, 'dd', `Administrateur — ${ORG.trim()}`, 'rôle et organisation');
    assert.equal(await page.getByTestId('codes-restants').innerText(), '10', 'aucun code de secours utilisé');
    const current = page.locator('tr.courante');
    await current.getByText('(cet appareil)').waitFor();
    assert.match(await current.locator('td').nth(2).innerText(), /^127\.0\.0\.1$/);
    assert.match(await current.locator('td').nth(3).innerText(), /Chrome/);
    await page.getByRole('button', { name: 'Se déconnecter de tous les appareils' }).waitFor();
    await shot(page, 'mon-compte');
  });

  await step(page, 'Journal de sécurité : connexions et échecs listés', async () => {
    await page.getByRole('navigation', { name: 'Menu principal' }).getByRole('link', { name: 'Journal de sécurité' }).click();
    await page.waitForURL(`${BASE_URL}/journal-securite`);
    await checkPage(page, '/journal-securite');
    await page.getByRole('heading', { name: 'Journal de sécurité' }).waitFor();
    const rows = await page.locator('table.journal tbody tr').allInnerTexts();
    const count = (re) => rows.filter((r) => re.test(r)).length;
    assert.ok(count(/Connexion réussie \(première connexion\)/) === 1, 'connexion à l\'activation listée');
    assert.ok(count(/Connexion réussie \(mot de passe et code de l'application\)/) === 1, 'connexion avec code listée');
    assert.ok(count(/^.*Déconnexion/m) >= 1, 'déconnexion listée');
    assert.ok(count(/Échec de connexion : mot de passe incorrect/) === 1, 'échec du mot de passe listé');
    assert.ok(count(/Échec de connexion au second facteur/) >= 1, 'code rejoué listé');
    assert.ok(count(/Double authentification activée/) === 1, 'activation du second facteur listée');
    // The failures stand out (CSS class « alerte »).
    assert.ok((await page.locator('table.journal tbody tr.alerte').count()) >= 2, 'échecs signalés');
    await assertShownAsText(page, 'table.journal td', `Organisation « ${ORG.trim()} » créée avec ${ADMIN_NAME}`, 'installation au journal');
    await shot(page, 'journal-securite');
  });
}

// 7b. A passkey (WebAuthn) added in « Mon compte » with Chromium's virtual authenticator (the
// DevTools protocol's WebAuthn domain: a software authenticator that always says « present and
// verified »), then used as the second factor instead of the code.
async function passkeySteps(page) {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('WebAuthn.enable');
  const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: {
      protocol: 'ctap2',
      transport: 'internal',
      hasResidentKey: true,
      hasUserVerification: true,
      isUserVerified: true,
      automaticPresenceSimulation: true,
    },
  });
  const KEY_NAME = 'Clé du secrétariat';

  await step(page, "Clé d'accès ajoutée dans Mon compte", async () => {
    await page.getByRole('navigation', { name: 'Menu principal' }).getByRole('link', { name: 'Mon compte' }).click();
    await page.waitForURL(`${BASE_URL}/compte`);
    await page.getByText('Aucune clé d\'accès enregistrée.').waitFor();
    await page.getByLabel('Nom de la clé').fill(KEY_NAME);
    // The script creates the credential, the server checks it, and the page reloads.
    await page.getByRole('button', { name: "Ajouter une clé d'accès" }).click();
    await page.getByTestId('cles').getByText(KEY_NAME).waitFor({ timeout: NAV_TIMEOUT });
    await checkPage(page, '/compte');
    // The authenticator now holds one credential, for this site only.
    const { credentials } = await cdp.send('WebAuthn.getCredentials', { authenticatorId });
    assert.equal(credentials.length, 1, 'une clé créée');
    assert.equal(credentials[0].rpId, new URL(BASE_URL).hostname);
    await shot(page, 'mon-compte-cle-acces');
  });

  await step(page, "Connexion avec la clé d'accès au lieu du code", async () => {
    await submit(page, page.getByRole('button', { name: 'Se déconnecter', exact: true }), { expectRedirect: true });
    await page.getByLabel('Adresse électronique').fill(EMAIL);
    await page.getByLabel('Mot de passe').fill(PASSWORD);
    await submit(page, page.getByRole('button', { name: 'Continuer' }), { expectRedirect: true });
    assert.equal(await pathOf(page), '/connexion/code');
    await page.getByRole('button', { name: "Utiliser une clé d'accès" }).click();
    await page.waitForURL(`${BASE_URL}/`, { timeout: NAV_TIMEOUT });
    await page.getByRole('heading', { name: 'Tableau de bord' }).waitFor();
    await checkPage(page, '/');
    await shot(page, 'connecte-cle-acces');
  });

  await step(page, "Journal : clé ajoutée et connexion par clé d'accès", async () => {
    await page.getByRole('navigation', { name: 'Menu principal' }).getByRole('link', { name: 'Journal de sécurité' }).click();
    await page.waitForURL(`${BASE_URL}/journal-securite`);
    const rows = await page.locator('table.journal tbody tr').allInnerTexts();
    assert.ok(rows.some((r) => r.includes(`Clé d'accès « ${KEY_NAME} » ajoutée`)), 'ajout de la clé au journal');
    assert.ok(
      rows.some((r) => r.includes(`Connexion réussie (mot de passe et clé d'accès « ${KEY_NAME} »)`)),
      'connexion par clé au journal',
    );
  });
}

// 8. A phone-sized screen: pages fit the width, the menu stays reachable.
async function phoneSteps(page, ctx) {
  await step(page, 'Sur un téléphone (390 × 844)', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    for (const [url, name] of [
      ['/', 'telephone-tableau-de-bord'],
      [ctx.mailboxUrl, 'telephone-messagerie'],
      [ctx.incidentUrl, 'telephone-incident'],
    ]) {
      await visit(page, url, {});
      // Elements that stick out on the right, by part of the page.
      // Elements that stick out on the right. Wide tables scroll inside their own box
      // (div.defilant), which is how they fit: what is clipped by such a box does not count.
      const fit = await page.evaluate(() => {
        const wide = [];
        for (const el of document.body.querySelectorAll('*')) {
          if (el.getBoundingClientRect().right <= window.innerWidth + 1) continue;
          const scroller = el.parentElement?.closest('.defilant');
          if (scroller && scroller.getBoundingClientRect().right <= window.innerWidth + 1) continue;
          wide.push(`${el.localName}${el.className ? `.${String(el.className).split(' ').join('.')}` : ''}`);
        }
        return { scroll: document.documentElement.scrollWidth, width: window.innerWidth, wide: [...new Set(wide)] };
      });
      // The header included: with the injected administrator's name, a long word, the
      // sign-out button used to be pushed off the screen (fixed: the name wraps).
      assert.deepEqual(
        fit.wide,
        [],
        `${url} : le contenu déborde en largeur sur un téléphone (${fit.scroll} px pour ${fit.width} px : ${fit.wide.join(', ')})`,
      );
      await page.getByRole('navigation', { name: 'Menu principal' }).getByRole('link', { name: 'Incidents' }).waitFor({ state: 'visible' });
      await shot(page, name);
    }
    await page.setViewportSize({ width: 1280, height: 900 });
  });
}

// 9. The footer's language switch: the dashboard in English, then back to French.
async function languageSteps(page) {
  await step(page, 'Interface en anglais (sélecteur de langue du pied de page), puis retour', async () => {
    await page.goto(`${BASE_URL}/`, { timeout: NAV_TIMEOUT });
    await page.getByLabel("Langue de l'interface").selectOption('en');
    await submit(page, page.getByRole('button', { name: 'Changer de langue' }), { expectRedirect: true, lang: 'en' });
    assert.equal(await pathOf(page), '/');
    await page.getByRole('heading', { name: 'Dashboard', level: 1 }).waitFor();
    assert.equal(await page.evaluate(() => document.documentElement.lang), 'en');
    await page.getByRole('navigation', { name: 'Main menu' }).getByRole('link', { name: 'Mail' }).waitFor();
    await checkPage(page, '/ (en)', 'en');
    await shot(page, 'tableau-de-bord-anglais');
    await page.getByLabel('Interface language').selectOption('fr');
    await submit(page, page.getByRole('button', { name: 'Change language' }), { expectRedirect: true });
    await page.getByRole('heading', { name: 'Tableau de bord', level: 1 }).waitFor();
    assert.equal(await page.evaluate(() => document.documentElement.lang), 'fr');
  });
}

function hasCommand(name) {
  return ['/usr/bin', '/bin', '/usr/local/bin'].some((dir) => existsSync(path.join(dir, name)));
}

setTimeout(() => {
  console.error(`\nÉCHEC du parcours navigateur : plus de ${FLOW_TIMEOUT / 1000} s, arrêté pendant l'étape « ${currentStep} ».`);
  process.exit(1);
}, FLOW_TIMEOUT).unref();

main().catch((error) => {
  console.error(`\nÉCHEC du parcours navigateur, ${error.message}`);
  if (process.env.VIGIE_BROWSER_DEBUG) console.error(error.stack);
  console.error(`Captures : ${ARTIFACTS}`);
  process.exit(1);
});
