/**
 * The first-party tracking script served at `GET /forecourt.js` (SPEC §3), for a beacon URL. It
 * does nothing at all when the browser sends a do-not-track signal (`navigator.globalPrivacyControl`
 * or `doNotTrack` "1"). Otherwise it sends a `pageview` on load and, each time the page is hidden
 * (another tab, minimised, closed), an `engagement` with the whole seconds the page was visible
 * since it was last shown, through `navigator.sendBeacon` (a text/plain body: no CORS preflight,
 * and the browser delivers it even as the page unloads). No dependency, no cookie access (the
 * cookie is HttpOnly and set by the beacon's answer), no query string or fragment sent.
 */
export function trackerScript(beaconUrl: string): string {
  return `(function(w,d,n){"use strict";
if(n.globalPrivacyControl===true||n.doNotTrack==="1"||w.doNotTrack==="1"||n.msDoNotTrack==="1")return;
var u=${JSON.stringify(beaconUrl)},shown=Date.now(),visible=0;
function send(b){b.path=location.pathname;var s=JSON.stringify(b);
if(!(n.sendBeacon&&n.sendBeacon(u,s))&&w.fetch)fetch(u,{method:"POST",body:s,credentials:"include",keepalive:true,headers:{"Content-Type":"text/plain"}})["catch"](function(){})}
var r=d.referrer?d.referrer.split(/[?#]/)[0]:"";
send(r?{type:"pageview",referrer:r}:{type:"pageview"});
if(d.visibilityState==="visible")visible=1;
d.addEventListener("visibilitychange",function(){
if(d.visibilityState==="hidden"&&visible){visible=0;send({type:"engagement",seconds:Math.min(86400,Math.round((Date.now()-shown)/1e3))})}
else if(d.visibilityState==="visible"&&!visible){visible=1;shown=Date.now()}});
})(window,document,navigator);
`;
}

/** The date the GPC statement (`/.well-known/gpc.json`) last changed. */
export const GPC_LAST_UPDATE = '2026-11-26';
