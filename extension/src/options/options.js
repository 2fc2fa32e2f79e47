import { api as ext, send, t } from '../ext.js';
import { localize } from '../shared/i18n.js';
import { originPattern, parseServerUrl } from '../shared/host.js';

const $ = (id) => document.getElementById(id);

function status(id, msg, ok) {
  $(id).textContent = msg;
  $(id).className = ok ? 'ok' : 'err';
}

async function render() {
  const st = await send('getState');
  $('server').value = st.serverUrl;
  $('install').textContent = st.registered ? t('optionsRegistered', [st.installId]) : t('optionsNotRegistered');
  $('cap').value = String(st.settings.dailyCap);
  $('period').value = String(st.settings.alarmMinutes);
  const p = await send('panelStatus');
  $('sensitive').value = p.userSensitive.join('\n');
  const cats = Object.entries(p.sensitiveCategories).map(([c, n]) => t('consentCategory', [t(`category_${c}`), String(n)]));
  $('sensitive-help').textContent = t('optionsSensitiveHelp', [cats.length ? cats.join(', ') : t('optionsSensitiveNoPolicy')]);
  const ul = $('dismissed');
  ul.replaceChildren();
  $('dismissed-empty').hidden = st.dismissed.length > 0;
  for (const host of st.dismissed) {
    const li = document.createElement('li');
    const name = document.createElement('span');
    name.textContent = host;
    const b = document.createElement('button');
    b.type = 'button';
    b.textContent = t('optionsShowAgain');
    b.setAttribute('aria-label', t('optionsShowAgainLabel', [host]));
    b.addEventListener('click', async () => {
      await send('undismissSite', { domain: host });
      await render();
    });
    li.append(name, b);
    ul.append(li);
  }
}

$('server-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  const parsed = parseServerUrl($('server').value);
  if (parsed.error) {
    status('server-status', t(parsed.error), false);
    return;
  }
  // The host permission is asked for here, in the click's user gesture,
  // and only for the server the shopper typed.
  let granted;
  try {
    granted = await ext.permissions.request({ origins: [originPattern(parsed.url)] });
  } catch (err) {
    status('server-status', err.message, false);
    return;
  }
  if (!granted) {
    status('server-status', t('optionsErrorPermission'), false);
    return;
  }
  try {
    await send('setServer', { serverUrl: parsed.url });
    status('server-status', t('optionsSaved'), true);
  } catch (err) {
    status('server-status', t('optionsServerFailed', [err.message]), false);
  }
  await render();
});

$('alerts-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  const dailyCap = Number.parseInt($('cap').value, 10);
  const alarmMinutes = Number.parseInt($('period').value, 10);
  try {
    await send('setSettings', { dailyCap, alarmMinutes });
    status('alerts-status', t('optionsSaved'), true);
  } catch (err) {
    status('alerts-status', err.message, false);
  }
});

$('sensitive-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  const domains = $('sensitive').value.split(/[\s,]+/).map((x) => x.trim()).filter(Boolean);
  try {
    const r = await send('setUserSensitive', { domains });
    $('sensitive').value = r.userSensitive.join('\n');
    status('sensitive-status', t('optionsSaved'), true);
  } catch (err) {
    status('sensitive-status', err.message, false);
  }
});

localize(document, (k) => ext.i18n.getMessage(k));
render().catch((e) => status('server-status', e.message, false)).finally(() => {
  document.body.dataset.ready = '1';
});
