import { ApiPropertyOptional } from '@nestjs/swagger';
import { getMetadataStorage, IsOptional, IsString, MaxLength } from 'class-validator';
import { ScimError } from '../scim/errors';
import { ArgumentMetadata, PipeTransform, ValidationError, ValidationPipe } from '@nestjs/common';

/**
 * Query parameters of SCIM reads (RFC 7644 §3.4.2, §3.9). Unknown parameters (Entra's `aadOptscim062020`,
 * `AzureAdScimPatch062020`, …) are ignored, not refused. Values stay strings: the engine parses them, so that
 * errors carry SCIM scimTypes. A parameter sent twice arrives as an array and is refused here.
 */
export class AttributesQueryDto {
  @ApiPropertyOptional({
    description: 'Comma-separated attributes to return (RFC 7644 §3.9)',
    example: 'userName,emails',
  })
  @IsOptional()
  @IsString()
  @MaxLength(4096)
  attributes?: string;

  @ApiPropertyOptional({
    description: 'Comma-separated attributes to leave out (RFC 7644 §3.9)',
    example: 'members',
  })
  @IsOptional()
  @IsString()
  @MaxLength(4096)
  excludedAttributes?: string;
}

export class ListQueryDto extends AttributesQueryDto {
  @ApiPropertyOptional({
    description: 'RFC 7644 §3.4.2.2 filter',
    example: 'userName eq "bjensen@example.com"',
  })
  @IsOptional()
  @IsString()
  filter?: string;

  @ApiPropertyOptional({ description: 'Attribute to sort by (RFC 7644 §3.4.2.3)', example: 'meta.created' })
  @IsOptional()
  @IsString()
  @MaxLength(1024)
  sortBy?: string;

  @ApiPropertyOptional({ enum: ['ascending', 'descending'] })
  @IsOptional()
  @IsString()
  sortOrder?: string;

  @ApiPropertyOptional({ description: '1-based index of the first result (RFC 7644 §3.4.2.4)', example: '1' })
  @IsOptional()
  @IsString()
  startIndex?: string;

  @ApiPropertyOptional({ description: 'Page size (RFC 7644 §3.4.2.4)', example: '100' })
  @IsOptional()
  @IsString()
  count?: string;

  @ApiPropertyOptional({ description: 'RFC 9865 cursor; empty for the first page' })
  @IsOptional()
  @IsString()
  cursor?: string;
}

function describe(errors: ValidationError[]): string {
  return errors
    .map((e) => `${e.property}: ${[...new Set(Object.values(e.constraints ?? {}))].join(', ') || 'invalid'}`)
    .join('; ');
}

/** Query DTO validation whose failures are SCIM errors (400 invalidValue), not Nest's default body. */
export const fullQueryValidation = new ValidationPipe({
  whitelist: false,
  forbidNonWhitelisted: false,
  transform: false,
  exceptionFactory: (errors) => ScimError.invalidValue(`Invalid query parameter: ${describe(errors)}`),
});

/** One optional string property of a query DTO, and its MaxLength (Infinity without one). */
interface StringRule {
  property: string;
  maxLength: number;
}

/**
 * The DTO's class-validator decorators as string rules, or null when it has one this fast path does not know
 * (or none at all: class-validator then refuses the object as unknown, which only the full pipe says).
 */
function stringRulesOf(dto: object): StringRule[] | null {
  const metadata = getMetadataStorage().getTargetValidationMetadatas(dto as never, '', true, false);
  const rules = new Map<string, { string: boolean; optional: boolean; maxLength: number }>();
  for (const m of metadata) {
    const rule = rules.get(m.propertyName) ?? { string: false, optional: false, maxLength: Infinity };
    rules.set(m.propertyName, rule);
    if (m.name === 'isOptional') rule.optional = true;
    else if (m.name === 'isString' && !m.each) rule.string = true;
    else if (m.name === 'maxLength' && !m.each)
      rule.maxLength = Math.min(rule.maxLength, Number(m.constraints[0]));
    else return null;
  }
  if (rules.size === 0 || [...rules.values()].some((r) => !r.string || !r.optional)) return null;
  return [...rules].map(([property, r]) => ({ property, maxLength: r.maxLength }));
}

/**
 * The query DTOs' validation without a class-transformer and class-validator pass per request (issue 12): a
 * query whose every declared parameter is absent or a string no longer than its MaxLength is valid as it is
 * (transform: false returns it unchanged). Anything else, and any DTO with other decorators, goes to the full
 * ValidationPipe, so that a refusal is the same 400 with the same detail. `length` counts UTF-16 units, never
 * fewer than class-validator's MaxLength counts, so what passes here passes there.
 */
export class ScimQueryValidationPipe implements PipeTransform {
  private readonly rules = new Map<unknown, StringRule[] | null>();

  constructor(private readonly full: ValidationPipe = fullQueryValidation) {}

  transform(value: unknown, metadata: ArgumentMetadata): unknown {
    const { metatype } = metadata;
    if (metatype && metadata.type !== 'custom' && typeof value === 'object' && value !== null) {
      let rules = this.rules.get(metatype);
      if (rules === undefined) this.rules.set(metatype, (rules = stringRulesOf(metatype)));
      if (rules && rules.every((r) => isAcceptedString((value as Record<string, unknown>)[r.property], r))) {
        return value;
      }
    }
    return this.full.transform(value, metadata);
  }
}

function isAcceptedString(value: unknown, rule: StringRule): boolean {
  return value === undefined || (typeof value === 'string' && value.length <= rule.maxLength);
}

export const scimQueryValidation = new ScimQueryValidationPipe();
