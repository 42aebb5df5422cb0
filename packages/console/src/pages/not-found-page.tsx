import { Link } from '../app/router.tsx';

export function NotFoundPage() {
  return (
    <section aria-labelledby="page-title">
      <h1 id="page-title">Page not found</h1>
      <p>
        There is no console page at <code>{window.location.pathname}</code>.{' '}
        <Link href="/console">Go to the overview</Link>.
      </p>
    </section>
  );
}
