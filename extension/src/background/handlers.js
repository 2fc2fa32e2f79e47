// What the background does for each message type. State lives in
// storage.local / storage.session, never in module variables: the service
// worker can be stopped between two messages.

import { applyDailyCap, localDay, validAlerts } from './alerts.js';
import { ApiError } from './api.js';
import { isOwnSite, normHost, originPattern, parseServerUrl, safeLink } from '../shared/host.js';
import { formatMoney } from '../shared/money.js';
import { createPanel } from './panel.js';
import { createExperiments } from './experiments.js';
import { pushSession, recoItems, RECO_MAX } from '../shared/reco.js';

const CONFIG_TTL_MS = 60 * 60 * 1000;
export const ALARM = 'vitrine-alerts';
export const DEFAULT_SETTINGS = { dailyCap: 3, alarmMinutes: 30 };
const MAX_SHOWN = 20;

/**
 * deps: {ext (the WebExtension API), client (apiClient), browser
 * ('chrome'|'firefox'), now () => Date}.
 */
export function createHandlers({ ext, client, browser, now = () => new Date() }) {
  const local = ext.storage.local;
  const session = ext.storage.session;
  const t = (k, s) => ext.i18n.getMessage(k, s) || k;

  async function defaults() {
    try {
      const res = await fetch(ext.runtime.getURL('defaults.json'));
      return await res.json();
    } catch {
      return { serverUrl: 'http://127.0.0.1:8080' };
    }
  }

  async function serverUrl() {
    const { serverUrl: s } = await local.get('serverUrl');
    if (s) return s;
    return (await defaults()).serverUrl;
  }

  async function settings() {
    const { settings: s } = await local.get('settings');
    return { ...DEFAULT_SETTINGS, ...(s || {}) };
  }

  /** The install registered with the current server, registering if needed. */
  async function install({ register = true } = {}) {
    const server = await serverUrl();
    const { install: ins } = await local.get('install');
    if (ins && ins.serverUrl === server && ins.token) return { server, ...ins };
    if (!register) return { server, token: '', installId: '' };
    const ans = await client.register(server, browser, ext.runtime.getManifest().version);
    if (!ans || typeof ans.token !== 'string' || typeof ans.install_id !== 'string') throw new ApiError('bad_response', 'registration answer without token');
    const saved = { serverUrl: server, installId: ans.install_id, token: ans.token, registeredAt: now().toISOString() };
    await local.set({ install: saved });
    return { server, ...saved };
  }

  /** Calls fn(server, token); a 401 means the token is no longer known: register again once. */
  async function authed(fn) {
    let ins = await install();
    try {
      return await fn(ins.server, ins.token);
    } catch (e) {
      if (e.status !== 401) throw e;
      await local.remove('install');
      ins = await install();
      return fn(ins.server, ins.token);
    }
  }

  async function storeConfig() {
    const server = await serverUrl();
    const { config } = await session.get('config');
    if (config && config.serverUrl === server && now().getTime() - config.at < CONFIG_TTL_MS) return config.data;
    const data = await client.config(server);
    await session.set({ config: { serverUrl: server, at: now().getTime(), data } });
    return data;
  }

  async function dismissed() {
    const { dismissed: d } = await local.get('dismissed');
    return Array.isArray(d) ? d : [];
  }

  async function defaultList(server, token) {
    const { defaultList: dl } = await local.get('defaultList');
    if (dl && dl.serverUrl === server) return dl;
    const ans = await client.lists(server, token);
    let list = ans && Array.isArray(ans.lists) && ans.lists[0];
    if (!list) list = await client.createList(server, token, t('defaultListName'));
    const saved = { serverUrl: server, id: list.id, name: list.name };
    await local.set({ defaultList: saved });
    return saved;
  }

  async function notify(alert, storeName) {
    const id = `vitrine-alert-${alert.id}`;
    const lang = ext.i18n.getUILanguage();
    const price = formatMoney(alert.price, lang);
    const target = alert.target_price ? formatMoney(alert.target_price, lang) : '';
    const title = t('alertTitle', [price]);
    const message = target ? t('alertMessage', [alert.title, price, target, storeName]) : t('alertMessageNoTarget', [alert.title, price, storeName]);
    await ext.notifications.create(id, {
      type: 'basic',
      iconUrl: ext.runtime.getURL('icons/icon-128.png'),
      title,
      message,
      priority: 1,
    });
    // Remember what was shown (the popup and the tests read it), and where a click leads.
    const { shownNotifications: shown = [] } = await session.get('shownNotifications');
    shown.push({ id, alertId: alert.id, productId: alert.product_id, title, message, link: safeLink(alert.link), at: now().toISOString() });
    await session.set({ shownNotifications: shown.slice(-MAX_SHOWN) });
  }

  async function checkAlerts() {
    const { server, token } = await install({ register: false });
    if (!token) return { shown: 0, dropped: 0 };
    const alerts = validAlerts(await client.alerts(server, token));
    if (alerts.length === 0) return { shown: 0, dropped: 0 };
    const { dailyCap } = await settings();
    const { notified } = await local.get('notified');
    const r = applyDailyCap(alerts, notified, dailyCap, now());
    await local.set({ notified: r.counter });
    let storeName = '';
    try {
      storeName = (await storeConfig())?.store?.name || '';
    } catch {
      // The alert still says what it is about.
    }
    for (const a of r.show) await notify(a, storeName);
    return { shown: r.show.length, dropped: r.dropped.length };
  }

  async function scheduleAlarm() {
    const { alarmMinutes } = await settings();
    const existing = await ext.alarms.get(ALARM);
    if (existing && existing.periodInMinutes === alarmMinutes) return;
    await ext.alarms.create(ALARM, { delayInMinutes: alarmMinutes, periodInMinutes: alarmMinutes });
  }

  const experiments = createExperiments({ ext, client, install, serverUrl, now });
  const panel = createPanel({ ext, client, install, authed, serverUrl, storeConfig, now, experiments });

  /**
   * The store product ids matched in this browsing session, most recent
   * last (storage.session: gone when the browser closes). Private windows
   * add nothing to it.
   */
  async function recoSession() {
    const server = await serverUrl();
    const { recoSession: rs } = await session.get('recoSession');
    return rs && rs.serverUrl === server && Array.isArray(rs.ids) ? rs.ids : [];
  }

  async function rememberMatch(productId) {
    const server = await serverUrl();
    const ids = pushSession(await recoSession(), productId);
    await session.set({ recoSession: { serverUrl: server, ids } });
    return ids;
  }

  const handlers = {
    ...panel.handlers,
    async compare({ domain, facts }, sender) {
      const host = normHost(domain);
      if ((await dismissed()).includes(host)) return { status: 'dismissed' };
      const cfg = await storeConfig();
      if (isOwnSite(host, cfg?.store?.domains)) return { status: 'own_site' };
      const { server, token } = await install({ register: false });
      // The display (experiment variants) is decided alongside: the default bar unless the shopper takes part.
      const [ans, display] = await Promise.all([
        client.compare(server, token, host, facts, cfg?.store?.currency),
        experiments.displayFor(sender).catch(() => null),
      ]);
      if (ans && ans.status === 'match' && isOwnSite(host, ans.store?.domains)) return { status: 'own_site' };
      if (ans && ans.status === 'match' && typeof ans.offer?.product_id === 'string') {
        if (!sender?.tab?.incognito) await rememberMatch(ans.offer.product_id);
        if (display) return { ...ans, display };
      }
      return ans;
    },
    /**
     * Recommendations for a product whose comparison is shown: only a
     * product matched in this session (so only after a match), sent with
     * the session's other matched products and nothing else.
     */
    async recommend({ product_id: pid }, sender) {
      if (sender?.tab?.incognito) return { items: [] }; // no session list is kept for private windows
      const ids = await recoSession();
      if (!ids.includes(pid)) throw new ApiError('not_matched', 'recommendations only for a product matched in this session');
      const list = await rememberMatch(pid); // the product shown now is the most recent
      const ans = await client.recommendations(await serverUrl(), list, RECO_MAX);
      return { items: recoItems(ans, { exclude: list }) };
    },
    async watch({ product_id: pid, target_price: target }) {
      return authed((s, tok) => client.watch(s, tok, pid, target));
    },
    async addToList({ product_id: pid }) {
      return authed(async (s, tok) => {
        let list = await defaultList(s, tok);
        try {
          await client.addToList(s, tok, list.id, pid);
        } catch (e) {
          if (e.status !== 404) throw e;
          await local.remove('defaultList');
          list = await defaultList(s, tok);
          await client.addToList(s, tok, list.id, pid);
        }
        return { list: { id: list.id, name: list.name } };
      });
    },
    async dismissSite({ domain }) {
      const d = await dismissed();
      const h = normHost(domain);
      if (!d.includes(h)) d.push(h);
      await local.set({ dismissed: d });
      return { dismissed: d };
    },
    async undismissSite({ domain }) {
      const h = normHost(domain);
      const d = (await dismissed()).filter((x) => x !== h);
      await local.set({ dismissed: d });
      return { dismissed: d };
    },
    async openOptions() {
      await ext.runtime.openOptionsPage();
      return {};
    },
    async getState() {
      const server = await serverUrl();
      const { install: ins } = await local.get('install');
      const registered = Boolean(ins && ins.serverUrl === server && ins.token);
      const store = await storeConfig().then((c) => c?.store || null, () => null);
      const { shownNotifications = [] } = await session.get('shownNotifications');
      return {
        serverUrl: server,
        registered,
        installId: registered ? ins.installId : '',
        dismissed: await dismissed(),
        settings: await settings(),
        store,
        shownNotifications,
      };
    },
    listWatches: () => authed((s, tok) => client.watches(s, tok)),
    unwatch: ({ id }) => authed(async (s, tok) => {
      await client.unwatch(s, tok, id);
      return {};
    }),
    listLists: () => authed((s, tok) => client.lists(s, tok)),
    removeFromList: ({ list_id: lid, product_id: pid }) => authed(async (s, tok) => {
      await client.removeFromList(s, tok, lid, pid);
      return {};
    }),
    async setServer({ serverUrl: input }) {
      const parsed = parseServerUrl(input);
      if (parsed.error) throw new ApiError('invalid', t(parsed.error));
      const granted = await ext.permissions.contains({ origins: [originPattern(parsed.url)] });
      if (!granted) throw new ApiError('permission', t('optionsErrorPermission'));
      // Panel membership belongs to a server: leave it there before switching.
      if (parsed.url !== (await serverUrl())) await panel.forget();
      await local.set({ serverUrl: parsed.url });
      await session.remove('config');
      await local.remove('defaultList');
      const ins = await install();
      return { serverUrl: parsed.url, installId: ins.installId };
    },
    async register() {
      const ins = await install();
      return { installId: ins.installId };
    },
    async setSettings(p) {
      const s = { ...(await settings()), ...p };
      await local.set({ settings: s });
      await scheduleAlarm();
      return s;
    },
    checkAlerts: () => checkAlerts(),
  };

  return { handlers, install, checkAlerts, scheduleAlarm, localDay, panel, experiments };
}
