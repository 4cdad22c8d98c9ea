export function App() {
  return (
    <main>
      <h1>Risk Desk</h1>
    </main>
  );
}
