// Passkeys on Userman's pages: the one script they load. A form marked data-options asks the
// server for WebAuthn's options (a POST with the form's CSRF token), hands them to the browser
// (navigator.credentials.create or .get), and posts the browser's answer back in the form's
// hidden "credential" field, as WebAuthn's JSON. Nothing here is inline: the pages' content policy
// allows scripts and fetches from this site only.
"use strict";

(function () {
  if (!window.PublicKeyCredential || !navigator.credentials) {
    return; // no passkeys in this browser: the forms stay as they are (or hidden)
  }

  function fromBase64url(s) {
    const b64 = s.replace(/-/g, "+").replace(/_/g, "/");
    const bin = atob(b64 + "===".slice((b64.length + 3) % 4));
    return Uint8Array.from(bin, (c) => c.charCodeAt(0)).buffer;
  }

  function toBase64url(buffer) {
    let bin = "";
    new Uint8Array(buffer).forEach((b) => { bin += String.fromCharCode(b); });
    return btoa(bin).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  function creationOptions(o) {
    const out = Object.assign({}, o);
    out.challenge = fromBase64url(o.challenge);
    out.user = Object.assign({}, o.user, { id: fromBase64url(o.user.id) });
    out.excludeCredentials = (o.excludeCredentials || []).map(
      (c) => Object.assign({}, c, { id: fromBase64url(c.id) }));
    return out;
  }

  function requestOptions(o) {
    const out = Object.assign({}, o);
    out.challenge = fromBase64url(o.challenge);
    out.allowCredentials = (o.allowCredentials || []).map(
      (c) => Object.assign({}, c, { id: fromBase64url(c.id) }));
    return out;
  }

  // WebAuthn's JSON of a credential, as PublicKeyCredential.toJSON() writes it where it exists.
  function credentialJson(c) {
    if (typeof c.toJSON === "function") {
      return c.toJSON();
    }
    const r = c.response;
    const response = { clientDataJSON: toBase64url(r.clientDataJSON) };
    if (r.attestationObject) {
      response.attestationObject = toBase64url(r.attestationObject);
      response.transports = typeof r.getTransports === "function" ? r.getTransports() : [];
    } else {
      response.authenticatorData = toBase64url(r.authenticatorData);
      response.signature = toBase64url(r.signature);
      if (r.userHandle) {
        response.userHandle = toBase64url(r.userHandle);
      }
    }
    return {
      id: c.id,
      rawId: toBase64url(c.rawId),
      type: c.type,
      response: response,
      authenticatorAttachment: c.authenticatorAttachment || null,
      clientExtensionResults: c.getClientExtensionResults(),
    };
  }

  function showError(form, message) {
    const box = form.querySelector("[data-passkey-error]");
    if (box) {
      box.textContent = message;
      box.hidden = false;
    }
  }

  async function ask(form) {
    const body = new URLSearchParams({ csrf: form.elements.csrf.value });
    const answer = await fetch(form.dataset.options, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: body,
    });
    const options = await answer.json();
    if (!answer.ok) {
      throw new Error(options.message || "The server refused; reload the page and try again.");
    }
    const publicKey = options.public_key;
    const credential = publicKey.rp
      ? await navigator.credentials.create({ publicKey: creationOptions(publicKey) })
      : await navigator.credentials.get({ publicKey: requestOptions(publicKey) });
    if (!credential) {
      throw new Error("The browser made no passkey.");
    }
    form.elements.credential.value = JSON.stringify(credentialJson(credential));
    form.submit();
  }

  function wire(form) {
    form.hidden = false;
    form.addEventListener("submit", (event) => {
      const name = form.elements.passkey_name;
      if (name && !name.value.trim()) {
        return; // the server asks for the name first, before any key is made
      }
      event.preventDefault();
      ask(form).catch((e) => {
        showError(form, e && e.name === "NotAllowedError"
          ? "The passkey was not used (cancelled, or it timed out). Try again."
          : (e && e.message) || "Something went wrong; try again.");
      });
    });
  }

  document.querySelectorAll("form[data-options]").forEach(wire);
})();
