import { useDeskContext, useUi } from '../context';
import { SHORTCUTS } from '../shortcuts';

export function ShortcutsHelp() {
  const { ui } = useDeskContext();
  const open = useUi((s) => s.helpOpen);
  if (!open) return null;
  const close = () => ui.setState({ helpOpen: false });
  return (
    <div className="overlay" onMouseDown={(e) => e.target === e.currentTarget && close()}>
      <div className="dialog" role="dialog" aria-modal="true" aria-label="Keyboard shortcuts">
        <header>Keyboard shortcuts</header>
        <div className="body">
          <div className="shortcuts">
            {SHORTCUTS.map((s) => (
              <div key={s.what} style={{ display: 'contents' }}>
                <span>
                  {s.keys.map((k, i) => (
                    <span key={k}>
                      {i > 0 && ' '}
                      <kbd>{k}</kbd>
                    </span>
                  ))}
                </span>
                <span>{s.what}</span>
              </div>
            ))}
          </div>
        </div>
        <footer>
          <button type="button" onClick={close} autoFocus>
            Close
          </button>
        </footer>
      </div>
    </div>
  );
}
