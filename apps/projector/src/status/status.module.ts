import { Module } from '@nestjs/common';
import { StatusController } from './status.controller.js';
import { StatusSampler } from './status.sampler.js';

/** The status page: the three apps' figures and the lag of the last minutes. */
@Module({ controllers: [StatusController], providers: [StatusSampler] })
export class StatusModule {}
