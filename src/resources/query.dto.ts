import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength } from 'class-validator';
import { ScimError } from '../scim/errors';
import { ValidationError, ValidationPipe } from '@nestjs/common';

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
export const scimQueryValidation = new ValidationPipe({
  whitelist: false,
  forbidNonWhitelisted: false,
  transform: false,
  exceptionFactory: (errors) => ScimError.invalidValue(`Invalid query parameter: ${describe(errors)}`),
});
