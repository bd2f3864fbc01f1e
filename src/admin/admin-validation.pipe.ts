import { ArgumentMetadata, Injectable, ValidationError, ValidationPipe } from '@nestjs/common';
import { ScimError } from '../scim/errors';

function describe(errors: ValidationError[], prefix = ''): string[] {
  return errors.flatMap((e) => {
    const path = `${prefix}${e.property}`;
    const own = Object.values(e.constraints ?? {}).map((message) => `${path}: ${message}`);
    return [...own, ...describe(e.children ?? [], `${path}.`)];
  });
}

/**
 * Admin bodies are DTOs (architecture §5): unknown properties are refused rather than dropped, so a typo
 * ("expiresAtt") is an error instead of a silently ignored setting. A body-less POST validates as `{}`.
 */
@Injectable()
export class AdminValidationPipe extends ValidationPipe {
  constructor() {
    super({
      whitelist: true,
      forbidNonWhitelisted: true,
      transform: true,
      // Several constraints of one property often share a message (e.g. the journal's `since`: IsInt, Min and
      // Max all fail for "abc"): each message is told once.
      exceptionFactory: (errors) =>
        ScimError.invalidValue(`Invalid request: ${[...new Set(describe(errors))].join('; ')}`),
    });
  }

  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (metadata.type === 'body' && (value === undefined || value === null)) value = {};
    if (metadata.type === 'body' && (typeof value !== 'object' || Array.isArray(value))) {
      throw ScimError.invalidSyntax('Request body must be a JSON object');
    }
    return super.transform(value, metadata);
  }
}

export const adminValidation = new AdminValidationPipe();
