import { Body, Controller, Get, Header, HttpCode, Post } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import { AdminApi } from '../../admin/admin-api.decorator';
import { ADMIN_BASE_PATH } from '../../admin/tenants.controller';
import { Public } from '../../http/public.decorator';
import { JWKS_PATH } from './set-issuer';
import {
  DEFAULT_KEY_GRACE_SECONDS,
  MAX_KEY_GRACE_SECONDS,
  MIN_KEY_GRACE_SECONDS,
  SetKeyView,
  SetSigningKeys,
} from './set-signing-keys';

/** `GET /.well-known/jwks.json`: the public keys SETs are signed with (RFC 7517 §5), for any receiver. */
@ApiTags('Standard streams')
@Public()
@Controller()
export class JwksController {
  constructor(private readonly keys: SetSigningKeys) {}

  @Get(JWKS_PATH)
  @Header('Cache-Control', 'public, max-age=300')
  @ApiOperation({
    summary: 'JWKS of the Security Event Token signing keys (current and still-listed old ones)',
  })
  @ApiOkResponse({ description: '{"keys": [JWK, …]}, EC P-256 public keys with kid, use sig, alg ES256' })
  async jwks(): Promise<{ keys: object[] }> {
    return this.keys.jwks();
  }
}

export class RotateSetKeyDto {
  @ApiPropertyOptional({
    description: `Seconds the current key stays in the JWKS (${MIN_KEY_GRACE_SECONDS}–${MAX_KEY_GRACE_SECONDS}, default ${DEFAULT_KEY_GRACE_SECONDS})`,
  })
  @IsOptional()
  @IsInt()
  @Min(MIN_KEY_GRACE_SECONDS)
  @Max(MAX_KEY_GRACE_SECONDS)
  graceSeconds?: number;
}

/** The SET signing keys in the admin API: list and rotate (ADMIN_TOKEN). */
@ApiTags('Admin: standard streams')
@AdminApi()
@Controller(`${ADMIN_BASE_PATH}/set-keys`)
export class SetKeysAdminController {
  constructor(private readonly keys: SetSigningKeys) {}

  @Get()
  @ApiOperation({ summary: 'The SET signing keys listed in the JWKS, newest (current) first' })
  async list(): Promise<{ keys: SetKeyView[] }> {
    return { keys: await this.keys.list() };
  }

  @Post('rotate')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Start signing with a new key; the current one stays in the JWKS for graceSeconds',
  })
  async rotate(@Body() dto: RotateSetKeyDto): Promise<{ keys: SetKeyView[] }> {
    return { keys: await this.keys.rotate(dto.graceSeconds ?? DEFAULT_KEY_GRACE_SECONDS) };
  }
}
