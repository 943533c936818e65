import { describe, expect, it } from 'vitest';
import { ApiFailure } from './api.ts';
import { fieldErrors } from './field-errors.ts';

describe('fieldErrors', () => {
  it('groups the schema problems of a 400 by the body key they name', () => {
    const e = new ApiFailure(
      400,
      'invalid request: body.actors.1: not an IP address or CIDR; body.resourceTags.0: Too small: expected string to have >=1 characters; body.actors.3: not an IP address or CIDR; body: Invalid input',
      'see /api/v1/openapi.json for the expected shape',
    );
    expect(fieldErrors(e)).toEqual({
      actors: ['1: not an IP address or CIDR', '3: not an IP address or CIDR'],
      resourceTags: ['0: Too small: expected string to have >=1 characters'],
    });
  });

  it('names no field for other failures', () => {
    expect(
      fieldErrors(new ApiFailure(400, 'the change would leave: route r: no channel named x', null)),
    ).toEqual({});
    expect(fieldErrors(new ApiFailure(403, 'invalid request: body.name: Required', null))).toEqual({});
    expect(fieldErrors(new Error('invalid request: body.name: Required'))).toEqual({});
    expect(fieldErrors(null)).toEqual({});
  });

  it('keeps a problem about the whole key without an index', () => {
    const e = new ApiFailure(
      400,
      'invalid request: body.channels: Too small: expected array to have >=1 items',
      null,
    );
    expect(fieldErrors(e)).toEqual({ channels: ['Too small: expected array to have >=1 items'] });
  });
});
