import { SetMetadata } from '@nestjs/common';

export const IS_PUBLIC_KEY = 'scim-stream:public';

/** Marks a controller or handler as reachable without a bearer token (probes, metrics, docs). */
export const Public = (): MethodDecorator & ClassDecorator => SetMetadata(IS_PUBLIC_KEY, true);
