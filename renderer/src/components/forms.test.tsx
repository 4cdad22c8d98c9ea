import { cleanup, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { Field } from './forms';

afterEach(cleanup);

describe('Field', () => {
  it('labels its control, and ties the hint and the error to it only when there is one', () => {
    const { rerender } = render(<Field id="f-limit" label="Limit" hint="e.g. −5 for a 5% loss">{(control) => <input {...control} />}</Field>);
    const input = screen.getByLabelText('Limit');
    expect(input.id).toBe('f-limit');
    expect(input.hasAttribute('aria-invalid')).toBe(false);
    expect(input.getAttribute('aria-describedby')).toBe('f-limit-hint');
    expect(screen.queryByRole('alert')).toBeNull();

    rerender(<Field id="f-limit" label="Limit" hint="e.g. −5 for a 5% loss" error="required">{(control) => <input {...control} />}</Field>);
    expect(input.getAttribute('aria-invalid')).toBe('true');
    const described = input.getAttribute('aria-describedby')!.split(' ').map((id) => document.getElementById(id)?.textContent);
    expect(described).toEqual(['required', 'e.g. −5 for a 5% loss']);
    expect(screen.getByRole('alert').textContent).toBe('required');
  });

  it('leaves a plain field without describedby', () => {
    render(<Field id="f-name" label="Name">{(control) => <input {...control} />}</Field>);
    expect(screen.getByLabelText('Name').hasAttribute('aria-describedby')).toBe(false);
  });
});
