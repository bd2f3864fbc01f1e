import { ResourcesModule } from '../resources/resources.module';
import { Module } from '@nestjs/common';
import { GroupsController } from './groups.controller';

@Module({
  imports: [ResourcesModule],
  controllers: [GroupsController],
})
export class GroupsModule {}
