import { ResourcesModule } from '../resources/resources.module';
import { Module } from '@nestjs/common';
import { MeController, UsersController } from './users.controller';

@Module({
  imports: [ResourcesModule],
  controllers: [MeController, UsersController],
})
export class UsersModule {}
