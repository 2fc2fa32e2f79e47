// The consent screen of the Vitrine Panel: what is collected (per-scope
// switches, none switched on), what is never collected, the purposes and
// retention, all read from the policy the collector runs on; the campaign's
// reward terms; and the notice text itself, verbatim, in the shopper's
// language, with its version and hash (recorded with the consent).

import { api as ext, send, t } from '../ext.js';
import { localize } from '../shared/i18n.js';
import { formatMoney } from '../shared/money.js';

const $ = (id) => document.getElementById(id);
const lang = ext.i18n.getUILanguage().toLowerCase().startsWith('fr') ? 'fr' : 'en';
const msg = (key, fallback, subs) => ext.i18n.getMessage(key, subs) || fallback;
let info = null;

function li(text) {
  const n = document.createElement('li');
  n.textContent = text;
  return n;
}

async function sha256Hex(text) {
  const d = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
  return Array.from(new Uint8Array(d), (b) => b.toString(16).padStart(2, '0')).join('');
}

function chosen() {
  return [...document.querySelectorAll('#scopes input[type=checkbox]')].filter((c) => c.checked).map((c) => c.value);
}

let noticeOK = false;
function update() {
  const n = chosen().length;
  $('join').disabled = n === 0 || !noticeOK;
  $('hint').hidden = n > 0;
}

const scopeList = (scopes) => scopes.map((s) => msg(`scopeShort_${s}`, s)).join(', ');

async function render() {
  info = await send('panelInfo', { lang });
  const { policy, notice, campaign, status, ownDomains } = info;
  const member = status.member;

  $('member').hidden = !member;
  if (member) $('member').textContent = t('consentMember', [status.paused ? t('popupPanelPaused') : scopeList(status.active)]);
  $('join').textContent = member ? t('consentSave') : t('consentJoin');

  // Per-scope switches: none switched on, unless the shopper already chose them.
  const box = $('scopes');
  box.replaceChildren();
  for (const s of policy.scopes) {
    const row = document.createElement('div');
    row.className = 'scope';
    const cb = document.createElement('input');
    cb.type = 'checkbox';
    cb.id = `scope-${s}`;
    cb.value = s;
    cb.checked = member && status.scopes.includes(s);
    cb.setAttribute('role', 'switch');
    cb.addEventListener('change', update);
    const label = document.createElement('label');
    label.htmlFor = cb.id;
    label.textContent = msg(`scope_${s}`, s);
    const detail = document.createElement('div');
    detail.className = 'detail';
    detail.id = `scope-${s}-detail`;
    detail.textContent = msg(`scopeDetail_${s}`, '');
    cb.setAttribute('aria-describedby', detail.id);
    row.append(cb, label, detail);
    box.append(row);
  }
  $('scrub').textContent = t('consentScrub', [[...policy.scrub.query_allowlist].sort().join(', ')]);

  const never = $('never');
  never.replaceChildren();
  for (const n of policy.never_collected || []) never.append(li(msg(`never_${n}`, n)));
  const cats = Object.entries(policy.sensitive || {}).map(([c, list]) => t('consentCategory', [msg(`category_${c}`, c), String(list.length)]));
  never.append(li(t('consentNeverSensitive', [cats.join(', ')])));
  if (ownDomains && ownDomains.length) never.append(li(t('consentNeverOwn', [ownDomains.join(', ')])));
  never.append(li(t('consentNeverUser')), li(t('consentNeverNotHttp')));

  const purposes = $('purposes');
  purposes.replaceChildren(...(policy.purposes || []).map((p) => li(msg(`purpose_${p}`, p))));
  $('retention').textContent = t('consentRetention', [String(policy.retention_days)]);

  const reward = $('reward');
  reward.replaceChildren();
  if (!campaign) {
    const p = document.createElement('p');
    p.textContent = t('consentRewardNone');
    reward.append(p);
  } else {
    const p = document.createElement('p');
    p.className = 'card';
    p.id = 'reward-summary';
    p.textContent = t('consentReward', [campaign.name, formatMoney(campaign.reward, ext.i18n.getUILanguage())]);
    const note = document.createElement('p');
    note.className = 'muted';
    note.textContent = t('consentRewardTermsNote');
    const terms = document.createElement('p');
    terms.id = 'reward-terms';
    terms.textContent = campaign.terms;
    reward.append(p, note, terms);
  }

  // The notice, exactly as the server serves it; its hash is checked here too.
  $('notice').textContent = notice.text;
  noticeOK = (await sha256Hex(notice.text)) === notice.hash;
  $('notice-meta').textContent = noticeOK ? t('consentNoticeMeta', [notice.version, notice.hash]) : t('consentNoticeMismatch');
  $('notice-meta').className = noticeOK ? 'muted' : 'err';
  update();
}

$('join-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  const scopes = chosen();
  if (!scopes.length || !info) return;
  $('join').disabled = true;
  try {
    const st = await send('panelJoin', { scopes, notice_version: info.notice.version, lang });
    $('result').textContent = t('consentJoined', [scopeList(st.active)]);
    $('result').className = 'ok';
    await render();
  } catch (err) {
    const gpc = err.code === 'forbidden' && /Sec-GPC/i.test(err.message);
    $('result').textContent = gpc ? `${t('consentGPC')} (${err.message})` : t('consentFailed', [err.message]);
    $('result').className = 'err';
    if (err.code === 'conflict') await render().catch(() => {}); // the notice changed: show the new one
    update();
  }
});

localize(document, (k) => ext.i18n.getMessage(k));
render().catch((e) => {
  $('result').textContent = t('consentFailed', [e.message]);
  $('result').className = 'err';
}).finally(() => {
  document.body.dataset.ready = '1';
});
