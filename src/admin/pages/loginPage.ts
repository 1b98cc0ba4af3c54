import { html, type SafeHtml } from '../html';
import { document, notice } from '../layout';

/** The sign-in form: an application password (name and password), with the double-submit token. */
export function loginPage(base: string, options: { token: string; next?: string; error?: string; name?: string }): SafeHtml {
  return document(
    base,
    'Sign in',
    html`<main class="login">
  <div class="card">
    <h1>Event Tracking admin</h1>
    ${options.error ? notice('error', options.error) : ''}
    <form method="post" action="${base}/login">
      <input type="hidden" name="_csrf" value="${options.token}">
      ${options.next ? html`<input type="hidden" name="next" value="${options.next}">` : ''}
      <label for="name">Credential name</label>
      <input type="text" id="name" name="name" autocomplete="username" required value="${options.name ?? ''}">
      <label for="password">Application password</label>
      <input type="password" id="password" name="password" autocomplete="current-password" required>
      <button type="submit">Sign in</button>
    </form>
    <p class="muted">Create a credential with <code>npm run key:create -- --name NAME --caps read</code> (or <code>manage</code>).</p>
  </div>
</main>`,
  );
}
