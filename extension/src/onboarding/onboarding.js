import { api as ext, send, t } from '../ext.js';
import { localize } from '../shared/i18n.js';

const $ = (id) => document.getElementById(id);

async function render() {
  const st = await send('getState');
  $('server').textContent = st.serverUrl;
  $('install').textContent = st.registered ? t('onboardingRegistered', [st.installId]) : t('onboardingNotRegistered');
  $('install').className = st.registered ? 'ok' : 'err';
  $('retry').hidden = st.registered;
  const p = await send('panelStatus');
  $('panel-state').textContent = p.member ? (p.paused ? t('popupPanelPaused') : t('popupPanelActive', [p.active.map((s) => t(`scopeShort_${s}`)).join(', ')])) : t('popupPanelOff');
}

$('retry').addEventListener('click', async () => {
  try {
    await send('register');
  } catch (e) {
    $('install').textContent = t('onboardingRegisterFailed', [e.message]);
    return;
  }
  await render();
});

localize(document, (k) => ext.i18n.getMessage(k));
render().catch((e) => {
  $('install').textContent = e.message;
}).finally(() => {
  document.body.dataset.ready = '1';
});
