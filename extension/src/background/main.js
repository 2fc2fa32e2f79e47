// The background (a service worker in Chrome, an event page in Firefox).
// Listeners are registered synchronously at the top level so that events
// which wake the worker up are delivered.

import { api as ext } from '../ext.js';
import { apiClient } from './api.js';
import { createDispatcher } from './dispatcher.js';
import { ALARM, createHandlers } from './handlers.js';
import { PANEL_ALARM } from './panel.js';

const browser = typeof globalThis.browser !== 'undefined' && ext.runtime.getBrowserInfo ? 'firefox' : 'chrome';
const core = createHandlers({ ext, client: apiClient((...a) => fetch(...a)), browser });
const dispatch = createDispatcher({ handlers: core.handlers, extensionOrigin: ext.runtime.getURL(''), selfId: ext.runtime.id });

ext.runtime.onMessage.addListener((msg, sender, sendResponse) => {
  dispatch(msg, sender).then(sendResponse);
  return true; // answer asynchronously
});

ext.runtime.onInstalled.addListener(async ({ reason }) => {
  await core.scheduleAlarm();
  if (reason !== 'install') return;
  try {
    await core.install();
  } catch (e) {
    // The server may be down: the next alarm, or the onboarding page, tries again.
    console.warn('vitrine: registration failed:', e?.message || e);
  }
  await ext.tabs.create({ url: ext.runtime.getURL('onboarding/onboarding.html') });
});

ext.runtime.onStartup.addListener(async () => {
  await core.scheduleAlarm();
  // The panel alarm exists only while the shopper is a member (or a withdrawal is pending).
  const { panel } = await ext.storage.local.get('panel');
  if (panel && (panel.member || panel.pending)) await core.panel.schedule();
});

ext.alarms.onAlarm.addListener(async (alarm) => {
  if (alarm.name === PANEL_ALARM) {
    try {
      await core.panel.onAlarm();
    } catch (e) {
      console.warn('vitrine: panel:', e?.message || e);
    }
    return;
  }
  if (alarm.name !== ALARM) return;
  try {
    await core.install(); // registers late if the server was down at install time
    await core.checkAlerts();
  } catch (e) {
    console.warn('vitrine: alert check failed:', e?.message || e);
  }
});

ext.notifications.onClicked.addListener(async (id) => {
  const { shownNotifications: shown = [] } = await ext.storage.session.get('shownNotifications');
  const n = shown.find((x) => x.id === id);
  if (n && n.link) await ext.tabs.create({ url: n.link });
  await ext.notifications.clear(id);
});
