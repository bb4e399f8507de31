// Proof of work for the sign-up form (see vcnet/accounts/pow.py): find a nonce such that
// SHA-256("<challenge>:<nonce>") starts with the required number of zero bits. Plain
// JavaScript SHA-256, because crypto.subtle only exists on HTTPS pages and intranets often
// serve plain HTTP. Work runs in slices so the page stays responsive.
(function () {
  "use strict";
  var K = new Uint32Array([
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2
  ]);
  var W = new Uint32Array(64);

  function sha256FirstWord(text) {
    // The challenge and nonce are ASCII, so one char is one byte.
    var n = text.length, total = ((n + 9 + 63) >> 6) << 6;
    var bytes = new Uint8Array(total), i;
    for (i = 0; i < n; i++) bytes[i] = text.charCodeAt(i);
    bytes[n] = 0x80;
    var bits = n * 8;
    bytes[total - 4] = (bits >>> 24) & 255; bytes[total - 3] = (bits >>> 16) & 255;
    bytes[total - 2] = (bits >>> 8) & 255; bytes[total - 1] = bits & 255;
    var h0 = 0x6a09e667, h1 = 0xbb67ae85, h2 = 0x3c6ef372, h3 = 0xa54ff53a;
    var h4 = 0x510e527f, h5 = 0x9b05688c, h6 = 0x1f83d9ab, h7 = 0x5be0cd19;
    for (var off = 0; off < total; off += 64) {
      for (i = 0; i < 16; i++) {
        var j = off + i * 4;
        W[i] = (bytes[j] << 24) | (bytes[j + 1] << 16) | (bytes[j + 2] << 8) | bytes[j + 3];
      }
      for (i = 16; i < 64; i++) {
        var a = W[i - 15], b = W[i - 2];
        var s0 = ((a >>> 7) | (a << 25)) ^ ((a >>> 18) | (a << 14)) ^ (a >>> 3);
        var s1 = ((b >>> 17) | (b << 15)) ^ ((b >>> 19) | (b << 13)) ^ (b >>> 10);
        W[i] = (W[i - 16] + s0 + W[i - 7] + s1) | 0;
      }
      var A = h0, B = h1, C = h2, D = h3, E = h4, F = h5, G = h6, H = h7;
      for (i = 0; i < 64; i++) {
        var S1 = ((E >>> 6) | (E << 26)) ^ ((E >>> 11) | (E << 21)) ^ ((E >>> 25) | (E << 7));
        var t1 = (H + S1 + ((E & F) ^ (~E & G)) + K[i] + W[i]) | 0;
        var S0 = ((A >>> 2) | (A << 30)) ^ ((A >>> 13) | (A << 19)) ^ ((A >>> 22) | (A << 10));
        var t2 = (S0 + ((A & B) ^ (A & C) ^ (B & C))) | 0;
        H = G; G = F; F = E; E = (D + t1) | 0; D = C; C = B; B = A; A = (t1 + t2) | 0;
      }
      h0 = (h0 + A) | 0; h1 = (h1 + B) | 0; h2 = (h2 + C) | 0; h3 = (h3 + D) | 0;
      h4 = (h4 + E) | 0; h5 = (h5 + F) | 0; h6 = (h6 + G) | 0; h7 = (h7 + H) | 0;
    }
    return [h0 >>> 0, h1 >>> 0];
  }

  function zeroBits(words) {
    var count = 0;
    for (var i = 0; i < words.length; i++) {
      if (words[i] === 0) { count += 32; continue; }
      return count + Math.clz32(words[i]);
    }
    return count;
  }

  function difficulty(challenge) {
    // The challenge is Django's signing.dumps(): base64 JSON before the first ":".
    try {
      var payload = challenge.split(":")[0].replace(/-/g, "+").replace(/_/g, "/");
      while (payload.length % 4) payload += "=";
      return JSON.parse(atob(payload)).b || 0;
    } catch (e) {
      return 64; // unreadable: the server will say so
    }
  }

  function solve(form) {
    var challenge = form.dataset.powChallenge || "";
    var need = difficulty(challenge);
    var nonceInput = form.querySelector("input[name='pow_nonce']");
    var button = form.querySelector("[data-pow-button]");
    var status = form.querySelector("[data-pow-status]");
    var script = document.currentScript || document.querySelector("script[src*='accounts/pow.js']");
    if (button) button.disabled = true;
    if (status && script) status.textContent = script.dataset.working || "";
    var nonce = 0;
    function slice() {
      var stop = nonce + 20000;
      for (; nonce < stop; nonce++) {
        if (zeroBits(sha256FirstWord(challenge + ":" + nonce)) >= need) {
          nonceInput.value = String(nonce);
          if (button) button.disabled = false;
          if (status) status.textContent = "";
          return;
        }
      }
      setTimeout(slice, 0);
    }
    slice();
  }

  var form = document.getElementById("signup-form");
  if (form) solve(form);
})();
