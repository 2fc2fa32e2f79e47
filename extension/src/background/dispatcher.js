// The one message dispatcher of the background. Every message is
// {type, payload}; it is accepted only when its type is listed in
// MESSAGE_TYPES, its payload has the listed shape, and, for a content script
// (a sender that is not an extension page), the type is open to content
// scripts. Answers are {ok: true, data} or {ok: false, error: {code, message}}.

import { MESSAGE_TYPES } from '../shared/messages.js';

/**
 * Creates the dispatcher. handlers maps each type to an async function
 * (payload, sender) => data; extensionOrigin is the extension's own origin
 * ("chrome-extension://ID/"), used to tell extension pages from content
 * scripts; selfId is the extension id (messages from other extensions are
 * refused).
 */
export function createDispatcher({ handlers, extensionOrigin, selfId, types = MESSAGE_TYPES }) {
  const origin = String(extensionOrigin).replace(/\/+$/, '');
  const fromExtensionPage = (sender) => {
    const url = String(sender?.url || '');
    return url === origin || url.startsWith(origin + '/');
  };
  return async function dispatch(msg, sender) {
    if (!sender || sender.id !== selfId) return fail('forbidden', 'unknown sender');
    if (!msg || typeof msg !== 'object' || typeof msg.type !== 'string') return fail('invalid', 'not a message');
    const spec = Object.prototype.hasOwnProperty.call(types, msg.type) ? types[msg.type] : null;
    if (!spec || !handlers[msg.type]) return fail('unknown_type', `unknown message type ${msg.type.slice(0, 40)}`);
    if (!fromExtensionPage(sender) && !spec.content) return fail('forbidden', `${msg.type} is not accepted from content scripts`);
    const payload = msg.payload === undefined ? {} : msg.payload;
    if (!spec.valid(payload)) return fail('invalid', `bad payload for ${msg.type}`);
    try {
      return { ok: true, data: await handlers[msg.type](payload, sender) };
    } catch (e) {
      return fail(e?.code || 'error', String(e?.message || e));
    }
  };
}

function fail(code, message) {
  return { ok: false, error: { code, message } };
}
