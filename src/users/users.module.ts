import { Module } from '@nestjs/common';
import { MeController, UsersController } from './users.controller';

@Module({ controllers: [MeController, UsersController] })
export class UsersModule {}
