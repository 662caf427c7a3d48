// Which visitors are held out from an element (badges, social proof): the twin of
// server/trust/holdout.py, which computes the same arm for the exposure it records (the
// browser's word is never taken). 32-bit FNV-1a over the UTF-8 bytes of "{element}:{visitor}",
// and the visitor is held out when that hash % 100 is under the holdout percent.
// tests/unit/test_trust_holdout_twin.py runs both on the same inputs: change them together.

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

/** 32-bit FNV-1a of `text`'s UTF-8 bytes, as an unsigned integer. */
export function fnv1a32(text) {
  let hash = FNV_OFFSET;
  for (const byte of new TextEncoder().encode(text)) hash = Math.imul(hash ^ byte, FNV_PRIME) >>> 0;
  return hash;
}

/** A number in [0, 100), stable for this element and visitor. */
export const bucket = (element, visitor) => fnv1a32(`${element}:${visitor}`) % 100;

/** Is `visitor` in the `percent` of visitors held out from `element`? */
export const heldOut = (element, visitor, percent) => bucket(element, visitor) < (percent || 0);
