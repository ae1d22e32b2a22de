// The script-tag build: `window.OFConnect`, `<of-connect>` and
// `window.OnlyFansAPI.Auth`, defined at once.
import { defineGlobal } from "./dom.js";
import { OFConnect } from "./ofconnect.js";

defineGlobal("OFConnect", OFConnect);
