import { act, cleanup, render, renderHook, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Field, useConfirmedDelete } from './forms';

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

describe('useConfirmedDelete', () => {
  it('asks first, deletes and re-reads on yes, shows a failure and clears it on the next success', async () => {
    const confirm = vi.fn<(message?: string) => boolean>();
    const before = window.confirm;
    window.confirm = confirm;
    const call = vi.fn<(id: number) => Promise<unknown>>();
    const after = vi.fn();
    const { result } = renderHook(() => useConfirmedDelete((id: number) => `Delete #${id}?`, call, after));

    confirm.mockReturnValueOnce(false);
    await act(() => result.current.remove(1));
    expect(confirm).toHaveBeenLastCalledWith('Delete #1?');
    expect(call).not.toHaveBeenCalled();

    confirm.mockReturnValueOnce(true);
    call.mockRejectedValueOnce(new Error('contact 2 is used by an escalation rule'));
    await act(() => result.current.remove(2));
    expect(result.current.error).toBe('contact 2 is used by an escalation rule');
    expect(after).not.toHaveBeenCalled();

    confirm.mockReturnValueOnce(true);
    call.mockResolvedValueOnce({ deleted: true });
    await act(() => result.current.remove(3));
    expect(call).toHaveBeenLastCalledWith(3);
    expect(after).toHaveBeenCalledTimes(1);
    expect(result.current.error).toBeNull();
    window.confirm = before;
  });
});
