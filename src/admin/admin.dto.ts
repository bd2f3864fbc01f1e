import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsISO8601,
  IsNotIn,
  IsOptional,
  IsString,
  Length,
  Matches,
  Max,
  Min,
  ValidateNested,
} from 'class-validator';
import { KNOWN_SCOPES } from '../auth/scim-access';
import { ENV_TOKEN_LABEL, GENERATED_TOKEN_LABEL } from '../auth/token-bootstrap.service';

/**
 * Tenant ids and OAuth client ids: unreserved URL characters (RFC 3986 §2.3), so they travel in paths,
 * HTTP Basic credentials and form bodies unchanged; the same rule as for clients of oauth-clients.json.
 */
export const ID_PATTERN = /^[A-Za-z0-9._~-]{1,128}$/;
const ID_MESSAGE = 'must be 1 to 128 characters of A-Z a-z 0-9 . _ ~ -';
const DATE_MESSAGE =
  'must be an ISO 8601 date-time with a time zone (Z or an offset such as +02:00), e.g. 2027-01-31T00:00:00Z';

/**
 * A time and then a zone designator: `Z` or ±hh:mm / ±hhmm (RFC 3339 §5.6). Without one, Date.parse reads the
 * value as the server's local time, so the same request would expire a credential at different instants on
 * different servers.
 */
const ZONED_DATE_TIME = /T\d{2}(?::?\d{2}){0,2}(?:[.,]\d+)?(?:Z|[+-]\d{2}:?\d{2})$/i;

/** An ISO 8601 date-time with an explicit time zone; both checks share one message (deduplicated on failure). */
function IsZonedDateTime(field: string): PropertyDecorator {
  const message = `${field} ${DATE_MESSAGE}`;
  return applyDecorators(
    IsISO8601({ strict: true, strictSeparator: true }, { message }),
    Matches(ZONED_DATE_TIME, { message }),
  );
}

/**
 * Labels TokenBootstrapService uses to recognise the default tenant's bootstrap tokens (SCIM_TOKEN, generated):
 * an admin-issued token with one of them would be revoked as "superseded" at the next boot.
 */
const RESERVED_TOKEN_LABELS = [ENV_TOKEN_LABEL, GENERATED_TOKEN_LABEL];
const RESERVED = RESERVED_TOKEN_LABELS.map((label) => `"${label}"`).join(' or ');

export class RateLimitDto {
  @ApiProperty({ description: 'Sustained requests per second per credential; 0 = no limit', example: 50 })
  @IsInt()
  @Min(0)
  @Max(100000)
  requestsPerSecond!: number;

  @ApiPropertyOptional({
    description: 'Requests allowed at once above the rate (default: twice the rate)',
    example: 100,
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(1000000)
  burst?: number;
}

/** A tenant's own settings; a setting left out (or null in PATCH) falls back to the server-wide value. */
export class TenantSettingsDto {
  @ApiPropertyOptional({
    description:
      'true: attributes of undeclared schema extensions are refused (400 invalidPath); false: kept as strings',
    example: true,
    nullable: true,
  })
  @IsOptional()
  @IsBoolean()
  strictExtensions?: boolean | null;

  @ApiPropertyOptional({ type: RateLimitDto, nullable: true })
  @IsOptional()
  @ValidateNested()
  @Type(() => RateLimitDto)
  rateLimit?: RateLimitDto | null;
}

export class CreateTenantDto {
  @ApiPropertyOptional({ description: `Tenant id (${ID_MESSAGE}); a UUID when left out`, example: 'contoso' })
  @IsOptional()
  @IsString()
  @Matches(ID_PATTERN, { message: `id ${ID_MESSAGE}` })
  id?: string;

  @ApiProperty({ description: 'Display name', example: 'Contoso Ltd.' })
  @IsString()
  @Length(1, 200)
  name!: string;

  @ApiPropertyOptional({ type: TenantSettingsDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => TenantSettingsDto)
  settings?: TenantSettingsDto;
}

export class UpdateTenantDto {
  @ApiPropertyOptional({ example: 'Contoso Group' })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  name?: string;

  @ApiPropertyOptional({
    description:
      'true: every credential of the tenant is refused from the next request on (401); false: accepted again',
    example: true,
  })
  @IsOptional()
  @IsBoolean()
  disabled?: boolean;

  @ApiPropertyOptional({
    type: TenantSettingsDto,
    description: 'Merged into the current settings; a setting set to null returns to the server-wide value',
  })
  @IsOptional()
  @ValidateNested()
  @Type(() => TenantSettingsDto)
  settings?: TenantSettingsDto;
}

export class IssueTokenDto {
  @ApiProperty({
    description: `What the token is for (shown in listings and logs); not ${RESERVED}`,
    example: 'Entra provisioning',
  })
  @IsString()
  @Length(1, 200)
  @IsNotIn(RESERVED_TOKEN_LABELS, {
    message: `label must not be ${RESERVED} (reserved for bootstrap tokens)`,
  })
  label!: string;

  @ApiPropertyOptional({
    description: 'Refused from this instant on; never expires when left out',
    example: '2027-01-31T00:00:00Z',
  })
  @IsOptional()
  @IsZonedDateTime('expiresAt')
  expiresAt?: string;

  @ApiPropertyOptional({
    description:
      'What the token may do. Absent: full SCIM access (provisioning), no stream management. ' +
      '["ssf.manage"]: OpenID SSF stream management of the tenant only (/ssf/*), no SCIM data; ' +
      'combine with "scim" (or "scim.read"/"scim.write") for both.',
    example: ['ssf.manage'],
    items: { type: 'string', enum: [...KNOWN_SCOPES] },
  })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(KNOWN_SCOPES.length)
  @IsIn(KNOWN_SCOPES, { each: true, message: `scopes may only hold ${KNOWN_SCOPES.join(', ')}` })
  scopes?: string[];
}

export class RotateTokenDto {
  @ApiPropertyOptional({
    description: 'Seconds the old token keeps working (at most 7 days); 0 or left out: revoked at once',
    example: 3600,
  })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(604800)
  graceSeconds?: number;

  @ApiPropertyOptional({
    description: 'Expiry of the new token; never expires when left out',
    example: '2027-01-31T00:00:00Z',
  })
  @IsOptional()
  @IsZonedDateTime('expiresAt')
  expiresAt?: string;
}

export class CreateOAuthClientDto {
  @ApiProperty({ description: 'What the client is for', example: 'Entra provisioning (Contoso)' })
  @IsString()
  @Length(1, 200)
  label!: string;

  @ApiPropertyOptional({
    description: `client_id (${ID_MESSAGE}); a UUID when left out`,
    example: 'contoso-entra',
  })
  @IsOptional()
  @IsString()
  @Matches(ID_PATTERN, { message: `clientId ${ID_MESSAGE}` })
  clientId?: string;

  @ApiPropertyOptional({ description: 'Expiry of the first secret', example: '2027-01-31T00:00:00Z' })
  @IsOptional()
  @IsZonedDateTime('secretExpiresAt')
  secretExpiresAt?: string;
}

export class AddClientSecretDto {
  @ApiPropertyOptional({ description: 'Expiry of the new secret', example: '2027-01-31T00:00:00Z' })
  @IsOptional()
  @IsZonedDateTime('expiresAt')
  expiresAt?: string;
}
