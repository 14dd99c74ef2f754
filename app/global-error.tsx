'use client';
// The last resort: an error in the root layout itself (the meta store unreachable while checking
// the session, say). It replaces the whole document, so it brings its own html and body.
export default function GlobalError({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <html lang="en">
      <body style={{ fontFamily: 'system-ui, sans-serif', background: '#f5f7fa', color: '#17202a', margin: 0 }}>
        <main style={{ maxWidth: 640, margin: '4rem auto', padding: '0 1rem' }}>
          <h1>The console could not render this page</h1>
          <p>
            Something it needs did not answer. Nothing was changed. Details are in the server log
            {error.digest ? ` under ${error.digest}` : ''}.
          </p>
          <button type="button" onClick={reset}>
            Try again
          </button>
        </main>
      </body>
    </html>
  );
}
