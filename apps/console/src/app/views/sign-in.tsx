import { Layout, Problem } from './layout.js';

export function SignInPage(props: { next: string; problem?: string | undefined; tokenCommand: string }) {
  return (
    <Layout title="Sign in" section="sign-in">
      <h1>Sign in</h1>
      <p>
        The console is for admins. Paste an admin token (scope <code>admin</code>); locally:{' '}
        <code>{props.tokenCommand}</code>. It is kept in an HttpOnly cookie until it expires.
      </p>
      {props.problem ? <Problem>{props.problem}</Problem> : null}
      <form method="post" action="/sign-in" class="card" style="max-width:760px">
        <input type="hidden" name="next" value={props.next} />
        <label for="token">Admin token (JWT)</label>
        <textarea id="token" name="token" rows={6} style="width:100%" required autocomplete="off" spellcheck={false} />
        <p>
          <button type="submit" class="primary">
            Sign in
          </button>
        </p>
      </form>
    </Layout>
  );
}
