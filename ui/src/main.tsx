import { render } from 'preact';
import { App } from './App';
import { applyTheme, storedTheme } from './components/ThemeToggle';
import { startRouter } from './lib/router';
import './styles.css';

applyTheme(storedTheme());
startRouter();
render(<App />, document.getElementById('app')!);
