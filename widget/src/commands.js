// The command queue behind window.keepcart(name, ...args). Commands nobody handles yet are
// held until setup finishes (feature chunks register their own commands while they mount),
// then run in order; after that an unknown command only warns, once per name.
import { has, warn } from "./log.js";

const SETTING_UP = 0;
const READY = 1;
const OFF = 2;

const handlers = {};
let held = [];
let state = SETTING_UP;

/** Run one command, given as [name, ...args]; never throws. */
export function run(args) {
  const name = String(args[0]);
  try {
    if (has(handlers, name)) return handlers[name](...args.slice(1));
    if (state === SETTING_UP) {
      held.push(args);
    } else if (state === READY) warn(`command:${name}`, `unknown command "${name}"`);
  } catch (error) {
    warn(`failed:${name}`, `keepcart("${name}") failed`, error);
  }
}

/** Handle keepcart(name, ...args) with fn(...args). */
export function register(name, fn) {
  if (typeof fn === "function") handlers[name] = fn;
}

/** Setup is over: run held commands (ok) or drop them quietly (Keepcart is off). */
export function settle(ok) {
  state = ok ? READY : OFF;
  const waiting = held;
  held = [];
  if (ok) waiting.forEach(run);
}
