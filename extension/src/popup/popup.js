import { api as ext, send, t } from '../ext.js';
import { localize } from '../shared/i18n.js';
import { formatMoney, toMinor, decimalsOf } from '../shared/money.js';
import { safeLink } from '../shared/host.js';

const $ = (id) => document.getElementById(id);
const lang = ext.i18n.getUILanguage();
const money = (m) => formatMoney(m, lang);

function linkOrText(title, href) {
  const url = safeLink(href);
  if (!url) return document.createTextNode(title);
  const a = document.createElement('a');
  a.href = url;
  a.target = '_blank';
  a.rel = 'noopener noreferrer';
  a.textContent = title;
  return a;
}

function showError(e) {
  $('error').hidden = false;
  $('error').textContent = t('popupError', [e?.message || String(e)]);
}

async function pageStatus() {
  const el = $('page-status');
  let st = null;
  try {
    const [tab] = await ext.tabs.query({ active: true, currentWindow: true });
    if (tab && tab.id !== undefined) st = await ext.tabs.sendMessage(tab.id, { type: 'pageStatus' });
  } catch {
    st = null; // no content script here (browser pages, the store before a reload...)
  }
  if (!st) el.textContent = t('popupPageUnavailable');
  else if (!st.product) el.textContent = t('popupPageNotProduct');
  else if (st.match === 'match') el.textContent = t('popupPageMatch', [st.store || '', st.price ? money(st.price) : '']);
  else if (st.match === 'own_site') el.textContent = t('popupPageOwnSite');
  else if (st.match === 'dismissed') el.textContent = t('popupPageDismissed');
  else if (st.match === 'no_match') el.textContent = t('popupPageNoMatch');
  else if (st.match === 'error') el.textContent = t('popupPageError');
  else el.textContent = t('popupPageProduct');
}

function reached(w) {
  const d = decimalsOf(w.target_price?.currency);
  const cur = toMinor(w.current_price?.amount, d);
  const tgt = toMinor(w.target_price?.amount, d);
  return cur !== null && tgt !== null && w.current_price.currency === w.target_price.currency && cur <= tgt;
}

async function watches() {
  const ul = $('watches');
  const { watches: list = [] } = await send('listWatches');
  ul.replaceChildren();
  $('watches-empty').hidden = list.length > 0;
  for (const w of list) {
    const li = document.createElement('li');
    li.className = 'item';
    const name = document.createElement('span');
    name.className = 'name';
    name.append(linkOrText(w.title || w.product_id, w.link));
    const prices = document.createElement('span');
    prices.className = 'prices' + (reached(w) ? ' reached' : '');
    prices.textContent = t('popupWatchPrices', [money(w.current_price), money(w.target_price)]);
    const rm = document.createElement('button');
    rm.type = 'button';
    rm.textContent = t('popupUnwatch');
    rm.setAttribute('aria-label', t('popupUnwatchLabel', [w.title || w.product_id]));
    rm.addEventListener('click', async () => {
      rm.disabled = true;
      try {
        await send('unwatch', { id: w.id });
        await watches();
      } catch (e) {
        showError(e);
      }
    });
    li.append(name, prices, rm);
    ul.append(li);
  }
}

async function lists() {
  const box = $('lists');
  const { lists: all = [] } = await send('listLists');
  box.replaceChildren();
  $('lists-empty').hidden = all.length > 0;
  for (const l of all) {
    const card = document.createElement('div');
    card.className = 'card';
    const h = document.createElement('strong');
    h.textContent = l.name;
    const ul = document.createElement('ul');
    ul.className = 'plain';
    for (const it of l.items || []) {
      const li = document.createElement('li');
      li.className = 'item';
      const name = document.createElement('span');
      name.className = 'name';
      name.append(linkOrText(it.title || it.product_id, it.link));
      const price = document.createElement('span');
      price.className = 'prices';
      price.textContent = it.price ? money(it.price) : '';
      const rm = document.createElement('button');
      rm.type = 'button';
      rm.textContent = t('popupRemove');
      rm.setAttribute('aria-label', t('popupRemoveLabel', [it.title || it.product_id, l.name]));
      rm.addEventListener('click', async () => {
        rm.disabled = true;
        try {
          await send('removeFromList', { list_id: l.id, product_id: it.product_id });
          await lists();
        } catch (e) {
          showError(e);
        }
      });
      li.append(name, price, rm);
      ul.append(li);
    }
    if ((l.items || []).length === 0) {
      const p = document.createElement('p');
      p.className = 'muted';
      p.textContent = t('popupListEmpty');
      card.append(h, p);
    } else {
      card.append(h, ul);
    }
    box.append(card);
  }
}

const scopeList = (scopes) => scopes.map((s) => t(`scopeShort_${s}`)).join(', ');
const show = (id, on) => {
  $(id).hidden = !on;
};

async function panel(st) {
  const p = st || (await send('panelStatus'));
  const el = $('panel-state');
  el.classList.toggle('on', p.member && !p.paused);
  if (p.pending === 'withdraw') el.textContent = t('popupPanelPending');
  else if (!p.member) el.textContent = t('popupPanelOff');
  else if (p.paused) el.textContent = t('popupPanelPaused');
  else el.textContent = t('popupPanelActive', [scopeList(p.active)]);
  document.body.dataset.panel = p.member ? (p.paused ? 'paused' : 'active') : 'off';
  show('panel-join', !p.member && p.pending !== 'withdraw');
  show('panel-pause', p.member && !p.paused);
  show('panel-resume', p.member && p.paused);
  show('panel-choices', p.member);
  show('panel-leave', p.member);
  show('leave-confirm', false);
  show('panel-queue', p.member);
  $('panel-queue').textContent = t('popupPanelQueue', [String(p.queued), String(p.send.accepted || 0)]);
  show('panel-dropped', p.dropped > 0);
  $('panel-dropped').textContent = t('popupPanelDropped', [String(p.dropped)]);
  show('panel-retry', Boolean(p.member && p.send.lastError));
  $('panel-retry').textContent = t('popupPanelRetry', [p.send.lastError || '']);
}

async function rewards() {
  const r = await send('rewards');
  const prog = r.progress || {};
  const reward = prog.reward || null;
  if (prog.earned && reward) $('reward-progress').textContent = t('popupRewardEarned', [money(reward.amount)]);
  else if (r.campaign) {
    let s = t('popupRewardProgress', [String(prog.active_days || 0), String(prog.needed_days || r.campaign.min_active_days || 0), money(r.campaign.reward)]);
    if (prog.eligible === false && prog.reason) s += ' ' + t('popupRewardNotEligible', [prog.reason]);
    $('reward-progress').textContent = s;
  } else $('reward-progress').textContent = t('popupRewardNone');
  $('reward-linked').textContent = r.linked ? t('popupLinked', [r.store_account_id]) : t('popupNotLinked');
  show('link-form', !r.linked);
  const bal = r.balance && r.balance.amount ? r.balance : null;
  $('reward-balance').textContent = bal ? t('popupBalance', [money(bal)]) : '';
  show('redeem', Boolean(r.linked && bal && Number(bal.amount) > 0));
  if (r.lastRedemption) {
    $('redeem-code').textContent = t('popupRedeemCode', [r.lastRedemption.code, money(r.lastRedemption.amount)]);
    show('redeem-code', true);
  }
}

async function act(button, fn) {
  button.disabled = true;
  $('error').hidden = true;
  try {
    await fn();
  } catch (e) {
    showError(e);
  } finally {
    button.disabled = false;
  }
}

const openConsent = () => ext.tabs.create({ url: ext.runtime.getURL('consent/consent.html') });
$('panel-join').addEventListener('click', openConsent);
$('panel-choices').addEventListener('click', openConsent);
$('panel-pause').addEventListener('click', () => act($('panel-pause'), async () => panel(await send('panelPause'))));
$('panel-resume').addEventListener('click', () => act($('panel-resume'), async () => panel(await send('panelResume'))));
$('panel-leave').addEventListener('click', () => {
  show('leave-confirm', true);
  $('leave-no').focus();
});
$('leave-no').addEventListener('click', () => show('leave-confirm', false));
$('leave-yes').addEventListener('click', () => act($('leave-yes'), async () => panel(await send('panelLeave'))));
$('link-form').addEventListener('submit', (e) => {
  e.preventDefault();
  act($('link-form').querySelector('button'), async () => {
    await send('linkAccount', { code: $('link-code').value.trim() });
    $('link-code').value = '';
    await rewards();
    $('reward-linked').textContent = t('popupLinkDone') + ' ' + $('reward-linked').textContent;
  });
});
$('redeem').addEventListener('click', () => act($('redeem'), async () => {
  await send('redeem');
  await rewards();
}));
$('open-dashboard').addEventListener('click', () => act($('open-dashboard'), () => send('openDashboard')));

localize(document, (k) => ext.i18n.getMessage(k));
$('options').addEventListener('click', () => ext.runtime.openOptionsPage());
Promise.allSettled([pageStatus(), watches(), lists(), panel(), rewards()]).then((rs) => {
  const failed = rs.find((r) => r.status === 'rejected');
  if (failed) showError(failed.reason);
  document.body.dataset.ready = '1';
});
