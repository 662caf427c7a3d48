// The visitor id for the offers API and for checkout attribution: the stored visitor id, or
// without consent "s:" + the in-memory session id (nothing stored, nothing to follow later).
import { SESSION_VISITOR_PREFIX } from "./constants.js";

export function offerVisitor(api) {
  const ids = api.ids();
  return ids.visitor_id || SESSION_VISITOR_PREFIX + ids.session_id;
}
