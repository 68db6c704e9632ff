/**
 * Typed access to the plugin's services: `getService(strapi, 'rules')` is a `RulesService`,
 * so call sites need no string lookups or casts of their own.
 */
import type { Core } from '@strapi/strapi';
import { PLUGIN_ID } from '../../../shared/contract';
import type services from '../services';

export type ReactionServices = { [Name in keyof typeof services]: ReturnType<(typeof services)[Name]> };

export const getService = <Name extends keyof ReactionServices>(strapi: Core.Strapi, name: Name): ReactionServices[Name] =>
  strapi.plugin(PLUGIN_ID).service(name) as ReactionServices[Name];
