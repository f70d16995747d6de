/** Asks for the function key once a request was refused (QUERY_AUTH_LEVEL=function). */
import { useEffect, useRef, useState } from 'preact/hooks';
import { enterKey, keyPrompt } from '../api/auth';
import { useStore } from '../lib/store';

export function KeyPrompt() {
  const state = useStore(keyPrompt);
  const [value, setValue] = useState('');
  const input = useRef<HTMLInputElement>(null);
  useEffect(() => {
    if (state !== 'none') input.current?.focus();
  }, [state]);
  if (state === 'none') return null;
  return (
    <form
      class="key-prompt"
      aria-labelledby="key-title"
      onSubmit={(e) => {
        e.preventDefault();
        if (value.trim() !== '') enterKey(value.trim());
        setValue('');
      }}
    >
      <h2 id="key-title">{state === 'refused' ? 'That key was refused' : 'This app needs a function key'}</h2>
      <p>
        The app's read routes require a function key. It is kept for this browser tab only and sent with each
        request as <code>x-functions-key</code>.
      </p>
      <label for="function-key">Function key</label>
      <input
        id="function-key"
        ref={input}
        type="password"
        autocomplete="off"
        value={value}
        onInput={(e) => setValue(e.currentTarget.value)}
      />
      <button type="submit">Use key</button>
    </form>
  );
}
